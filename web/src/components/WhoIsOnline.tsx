import { answeredByUser } from '../api/calls';
import type { Registration, User } from '../api/types';
import { formatClock } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import type { ActiveCall } from '../live/callEvents';

interface Person {
  username: string;
  name: string;
  phones: Registration[];
}

/** Everyone's phone: online (registered) or not, and on a call or ringing now. */
export function WhoIsOnline({ users, registrations, active }: { users: User[] | null; registrations: Registration[]; active: ActiveCall[] }) {
  const { t, locale } = useI18n();
  const people = new Map<string, Person>();
  for (const u of users ?? []) people.set(u.username, { username: u.username, name: u.display_name, phones: [] });
  for (const r of registrations) {
    const person = people.get(r.user) ?? { username: r.user, name: r.display_name, phones: [] };
    person.phones.push(r);
    people.set(r.user, person);
  }
  const talking = new Set<string>();
  const ringing = new Set<string>();
  for (const { call, ringing: rung } of active) {
    // The caller is on the phone from the start; the one who answered from the answer.
    talking.add(call.caller);
    const by = answeredByUser(call);
    if (by) talking.add(by);
    rung.forEach((u) => ringing.add(u));
  }
  // Online first, then by extension.
  const list = [...people.values()].sort(
    (a, b) => Number(b.phones.length > 0) - Number(a.phones.length > 0) || a.username.localeCompare(b.username, undefined, { numeric: true }),
  );
  if (list.length === 0) return <p class="muted">{t('presence.nobody')}</p>;
  return (
    <ul class="plain-list team" data-list="presence">
      {list.map((p) => {
        const online = p.phones.length > 0;
        const state = talking.has(p.username) ? 'talking' : ringing.has(p.username) ? 'ringing' : null;
        const agents = p.phones.map((r) => [r.user_agent, r.contact].filter(Boolean).join(' · ')).filter(Boolean);
        const until = p.phones.map((r) => r.expires_at).sort().pop();
        return (
          <li key={p.username} data-user={p.username} data-online={online ? 'yes' : 'no'}>
            <span class={`presence ${online ? 'presence-online' : ''} ${state ? 'presence-busy' : ''}`} aria-hidden="true" />
            <span class="team-name">
              {p.name || p.username} {p.name && <span class="muted">{p.username}</span>}
            </span>
            {state && <span class="badge badge-live">{t(state === 'talking' ? 'dashboard.onCall' : 'live.ringing')}</span>}
            <span
              class={online ? 'presence-label presence-label-online' : 'presence-label muted small'}
              title={[...agents, until ? t('presence.until', { time: formatClock(until, locale) }) : ''].filter(Boolean).join('\n') || undefined}
            >
              {online
                ? p.phones.length > 1
                  ? t('presence.onlinePhones', { count: p.phones.length })
                  : t('presence.online')
                : t('presence.offline')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
