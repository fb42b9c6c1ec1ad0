import { answeredByUser, countCalls } from '../api/calls';
import { listUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { atLeast, type Call, type User } from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { OutcomeBadge } from '../components/OutcomeBadge';
import { formatCallTime, formatClock, formatDuration, formatNumber, percent } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { activeCalls, changeMark, useLiveCalls, type LiveCallsSnapshot } from '../live/liveCalls';
import { routePaths } from '../router';
import { useSession } from '../session';
import { localMidnightMs, today } from '../time/calendarDay';
import { usePageTitle } from './usePageTitle';

export function DashboardPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  usePageTitle(t('dashboard.title'));
  const live = useLiveCalls();
  const active = activeCalls(live);
  const day = today();
  // Recount when a call starts, is answered or ends (and at midnight, when `day` changes).
  const counts = useResource((signal) => countCalls({ fromMs: localMidnightMs(day) }, signal), [day, changeMark(live)]);
  const seesTeam = atLeast(user.role, 'head');

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('dashboard.title')}</h1>
        <LiveState snapshot={live} />
      </div>

      <section class="cards" aria-label={t('dashboard.title')}>
        <Counter label={t('dashboard.callsToday')} value={counts.data?.total} capped={counts.data?.capped} testId="calls-today" />
        <Counter
          label={t('dashboard.missedToday')}
          value={counts.data?.missed}
          capped={counts.data?.capped}
          note={counts.data && counts.data.total > 0 ? t('dashboard.missedShare', { percent: percent(counts.data.missed, counts.data.total) }) : undefined}
          tone={counts.data && counts.data.missed > 0 ? 'warn' : undefined}
          testId="missed-today"
        />
        <Counter label={t('dashboard.activeNow')} value={live ? active.length : undefined} testId="active-now" />
      </section>
      {counts.error ? <ErrorNotice error={counts.error} onRetry={counts.reload} /> : null}
      {live?.error && <ErrorNotice error={live.error} />}

      <div class="dashboard-grid">
        <section class="panel" aria-labelledby="recent-heading">
          <div class="panel-head">
            <h2 id="recent-heading">{t('dashboard.recent')}</h2>
            <a href={routePaths.calls}>{t('dashboard.allCalls')}</a>
          </div>
          <RecentCalls snapshot={live} />
        </section>
        <div class="stack">
          <section class="panel" aria-labelledby="active-heading">
            <h2 id="active-heading">{t('dashboard.activeNow')}</h2>
            {live && active.length === 0 && <p class="muted">{t('dashboard.noActive')}</p>}
            <ul class="plain-list">
              {active.map((call) => (
                <li key={call.id} class="active-call">
                  <span class="pulse" aria-hidden="true" />
                  <span>
                    {call.caller} → {answeredByUser(call) ?? call.called}
                  </span>
                  <time class="muted" dateTime={call.started_at}>
                    {formatClock(call.started_at, locale)}
                  </time>
                </li>
              ))}
            </ul>
          </section>
          {seesTeam && <Team active={active} />}
        </div>
      </div>
    </div>
  );
}

function LiveState({ snapshot }: { snapshot: LiveCallsSnapshot | null }) {
  const { t, locale } = useI18n();
  if (!snapshot) return <span class="muted">{t('common.loading')}</span>;
  if (!snapshot.live) return <span class="muted">{t('dashboard.paused')}</span>;
  return (
    <span class="live-state" role="status">
      <span class="pulse" aria-hidden="true" />
      {t('dashboard.live')}
      {snapshot.receivedAt > 0 && (
        <span class="muted"> · {t('common.updated', { time: formatClock(new Date(snapshot.receivedAt).toISOString(), locale) })}</span>
      )}
    </span>
  );
}

function Counter(props: { label: string; value?: number; capped?: boolean; note?: string; tone?: 'warn'; testId: string }) {
  const { locale } = useI18n();
  return (
    <div class={`card${props.tone ? ` card-${props.tone}` : ''}`} data-counter={props.testId}>
      <span class="card-label">{props.label}</span>
      <span class="card-value">
        {props.value === undefined ? '…' : formatNumber(props.value, locale)}
        {props.capped ? '+' : ''}
      </span>
      {props.note && <span class="card-note">{props.note}</span>}
    </div>
  );
}

function RecentCalls({ snapshot }: { snapshot: LiveCallsSnapshot | null }) {
  const { t, locale } = useI18n();
  if (!snapshot) return <p class="muted">{t('common.loading')}</p>;
  if (snapshot.calls.length === 0) return <p class="muted">{t('dashboard.noRecent')}</p>;
  return (
    <div class="table-wrap">
      <table class="data-table" data-table="recent-calls">
        <thead>
          <tr>
            <th scope="col">{t('calls.time')}</th>
            <th scope="col">{t('calls.caller')}</th>
            <th scope="col">{t('calls.called')}</th>
            <th scope="col">{t('calls.answeredBy')}</th>
            <th scope="col" class="num">{t('calls.talk')}</th>
            <th scope="col">{t('calls.result')}</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.calls.map((call) => (
            <tr key={call.id} data-call-id={call.id}>
              <td>
                <time dateTime={call.started_at}>{formatCallTime(call.started_at, locale)}</time>
              </td>
              <td>{call.caller}</td>
              <td>{call.called}</td>
              <td>{answeredByUser(call) ?? t('common.none')}</td>
              <td class="num">{call.answered_at ? formatDuration(call.talk_ms) : t('common.none')}</td>
              <td>
                <OutcomeBadge call={call} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Team({ active }: { active: Call[] }) {
  const { t } = useI18n();
  const users = useResource((signal) => listUsers(0, 200, signal), []);
  const busy = new Set<string>();
  for (const call of active) {
    busy.add(call.caller);
    const by = answeredByUser(call);
    if (by) busy.add(by);
  }
  return (
    <section class="panel" aria-labelledby="team-heading">
      <h2 id="team-heading">{t('dashboard.team')}</h2>
      <p class="muted small">{t('dashboard.teamNote')}</p>
      {users.error ? <ErrorNotice error={users.error} onRetry={users.reload} /> : null}
      <ul class="plain-list team">
        {(users.data?.items ?? []).map((u: User) => (
          <li key={u.id} data-user={u.username}>
            <span class={`presence ${busy.has(u.username) ? 'presence-busy' : ''}`} aria-hidden="true" />
            <span class="team-name">
              {u.display_name || u.username} {u.display_name && <span class="muted">{u.username}</span>}
            </span>
            <span class={busy.has(u.username) ? 'badge badge-live' : 'muted small'}>
              {busy.has(u.username) ? t('dashboard.onCall') : t('dashboard.notOnCall')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
