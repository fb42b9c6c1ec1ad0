import { countCalls } from '../api/calls';
import { listRegistrations } from '../api/registrations';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { atLeast, type Call, type Registration, type User } from '../api/types';
import { ActiveCallList } from '../components/ActiveCallList';
import { CallTable } from '../components/CallTable';
import { ErrorNotice } from '../components/ErrorNotice';
import { WhoIsOnline } from '../components/WhoIsOnline';
import { formatClock, formatNumber, percent } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { activeCalls, changeMark, finishedCalls, useLiveCalls, type LiveCallsSnapshot } from '../live/liveCalls';
import { useEventRefresh } from '../live/useEventRefresh';
import { routePaths } from '../router';
import { useSession } from '../session';
import { localMidnightMs, today } from '../time/calendarDay';
import { usePageTitle } from './usePageTitle';

export function DashboardPage() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('dashboard.title'));
  const live = useLiveCalls();
  const active = activeCalls(live);
  const day = today();
  // Recount when the call list changes (a call started, was answered or ended) and at midnight.
  const counts = useResource((signal) => countCalls({ fromMs: localMidnightMs(day) }, signal), [day, changeMark(live)]);
  const seesTeam = atLeast(user.role, 'head');
  const users = useResource(seesTeam ? (signal) => listAllUsers(signal) : null, [seesTeam]);
  const registrations = useResource((signal) => listRegistrations(signal), []);
  useEventRefresh(registrations.reload, (event) => event.type === 'registration.changed', 15_000);
  const nameOf = displayNames(users.data, registrations.data?.items ?? []);

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

      <section class="panel live-panel" aria-labelledby="active-heading">
        <h2 id="active-heading">{t('dashboard.activeNow')}</h2>
        {live && active.length === 0 && <p class="muted">{t('dashboard.noActive')}</p>}
        <ActiveCallList calls={active} nameOf={nameOf} />
      </section>

      <div class="dashboard-grid">
        <section class="panel" aria-labelledby="recent-heading">
          <div class="panel-head">
            <h2 id="recent-heading">{t('dashboard.recent')}</h2>
            <a href={routePaths.calls}>{t('dashboard.allCalls')}</a>
          </div>
          <RecentCalls snapshot={live} />
        </section>
        <section class="panel" aria-labelledby="team-heading">
          <h2 id="team-heading">{t('dashboard.team')}</h2>
          {registrations.error ? <ErrorNotice error={registrations.error} onRetry={registrations.reload} /> : null}
          {users.error ? <ErrorNotice error={users.error} onRetry={users.reload} /> : null}
          {registrations.data ? (
            <WhoIsOnline users={users.data} registrations={registrations.data.items} active={active} />
          ) : (
            !registrations.error && <p class="muted">{t('common.loading')}</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** "Олена Бондар" for "1001" when the users or the registrations say so. */
function displayNames(users: User[] | null, registrations: Registration[]): (username: string) => string {
  const names = new Map<string, string>();
  for (const r of registrations) if (r.display_name) names.set(r.user, r.display_name);
  for (const u of users ?? []) if (u.display_name) names.set(u.username, u.display_name);
  return (username) => names.get(username) ?? username;
}

function LiveState({ snapshot }: { snapshot: LiveCallsSnapshot | null }) {
  const { t, locale } = useI18n();
  if (!snapshot) return <span class="muted">{t('common.loading')}</span>;
  if (!snapshot.live) return <span class="muted">{t('dashboard.paused')}</span>;
  return (
    <span class="live-state" role="status" data-live-via={snapshot.via}>
      <span class="pulse" aria-hidden="true" />
      {snapshot.via === 'events' ? t('dashboard.live') : t('dashboard.polling')}
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
  const { t } = useI18n();
  if (!snapshot) return <p class="muted">{t('common.loading')}</p>;
  const calls: Call[] = finishedCalls(snapshot);
  if (calls.length === 0) return <p class="muted">{t('dashboard.noRecent')}</p>;
  return <CallTable calls={calls} table="recent-calls" />;
}
