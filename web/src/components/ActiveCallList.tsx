import { answeredByUser } from '../api/calls';
import { formatClock } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import type { ActiveCall } from '../live/callEvents';
import { Elapsed } from './Elapsed';

/** The calls in progress: who calls whom, whether it rings (whom) or who answered, for how long. */
export function ActiveCallList({ calls, nameOf }: { calls: ActiveCall[]; nameOf: (user: string) => string }) {
  const { t, locale } = useI18n();
  return (
    <ul class="plain-list active-calls" data-list="active-calls">
      {calls.map(({ call, state, ringing }) => {
        const by = answeredByUser(call);
        return (
          <li key={call.id} class="active-call" data-call-id={call.id} data-state={state}>
            <span class="pulse" aria-hidden="true" />
            <span class="active-call-parties">
              <strong>{nameOf(call.caller)}</strong> → {nameOf(call.called)}
            </span>
            <span class={`badge badge-state-${state}`} data-call-state={state}>
              {t(`live.${state}` as MessageKey)}
            </span>
            <span class="active-call-who" data-ringing={ringing.join(' ')} data-answered-by={by ?? ''}>
              {state === 'ringing' && t('live.ringingWho', { who: ringing.map(nameOf).join(', ') })}
              {state === 'answered' && by && t('live.answeredBy', { who: nameOf(by) })}
            </span>
            <span class="active-call-time muted">
              <time dateTime={call.started_at}>{formatClock(call.started_at, locale)}</time>
              {' · '}
              <Elapsed since={call.answered_at ?? call.started_at} label={state === 'answered' ? t('live.talking') : t('live.waiting')} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}
