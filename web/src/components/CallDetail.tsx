import { answeredByUser, getCall, recordingAudioUrl, voicemailAudioUrl } from '../api/calls';
import type { Call } from '../api/types';
import { useResource } from '../api/useResource';
import { formatCallTime, formatClock, formatDuration } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ErrorNotice } from './ErrorNotice';
import { OutcomeBadge } from './OutcomeBadge';

const kKnownKinds = new Set([
  'started',
  'ringing',
  'attempt',
  'answered',
  'ended',
  'voicemail_recorded',
  'recording_started',
  'recording_finished',
]);

/** The timeline of one call and its audio (recording, voicemail), loaded when shown; with
 * `summary`, who called whom first (the call's own page). */
export function CallDetail({ id, summary = false }: { id: string; summary?: boolean }) {
  const { t, locale } = useI18n();
  const call = useResource((signal) => getCall(id, signal), [id]);
  if (call.error) return <ErrorNotice error={call.error} onRetry={call.reload} />;
  if (!call.data) return <p class="muted">{t('common.loading')}</p>;
  const c = call.data;
  return (
    <div class="call-detail" data-call-detail={c.id}>
      {summary && <CallSummary call={c} />}
      <section>
        <h3>{t('calls.timeline')}</h3>
        <ol class="timeline">
          {c.timeline.map((entry, i) => (
            <li key={i} data-kind={entry.kind}>
              <time dateTime={entry.at}>{formatClock(entry.at, locale)}</time>
              <span class="timeline-kind">
                {kKnownKinds.has(entry.kind) ? t(`timeline.${entry.kind}` as MessageKey) : entry.kind}
              </span>
              {entry.target && <span class="timeline-target">{entry.target}</span>}
              {entry.detail && <span class="muted">{entry.detail}</span>}
              {entry.sip_status ? <span class="muted">{t('calls.sipStatus', { status: entry.sip_status })}</span> : null}
            </li>
          ))}
        </ol>
      </section>
      {c.recording_id !== null && (
        <AudioPlayer title={t('calls.recording')} src={recordingAudioUrl(c.recording_id)} />
      )}
      {c.voicemail_id !== null && (
        <AudioPlayer title={t('calls.voicemail')} src={voicemailAudioUrl(c.voicemail_id)} />
      )}
    </div>
  );
}

function AudioPlayer({ title, src }: { title: string; src: string }) {
  const { t } = useI18n();
  return (
    <section class="audio">
      <h3>{title}</h3>
      {/* preload=metadata: the length shows at once; the rest comes in byte ranges while playing. */}
      <audio controls preload="metadata" src={src} aria-label={title} />
      <a href={src} download>
        {t('calls.download')}
      </a>
    </section>
  );
}

function CallSummary({ call }: { call: Call }) {
  const { t, locale } = useI18n();
  return (
    <dl class="call-summary">
      <dt>{t('calls.time')}</dt>
      <dd>
        <time dateTime={call.started_at}>{formatCallTime(call.started_at, locale)}</time>
      </dd>
      <dt>{t('calls.caller')}</dt>
      <dd>{call.caller}</dd>
      <dt>{t('calls.called')}</dt>
      <dd>{call.called}</dd>
      <dt>{t('calls.answeredBy')}</dt>
      <dd>{answeredByUser(call) ?? t('common.none')}</dd>
      <dt>{t('calls.talk')}</dt>
      <dd>{call.answered_at ? formatDuration(call.talk_ms) : t('common.none')}</dd>
      <dt>{t('calls.result')}</dt>
      <dd>
        <OutcomeBadge call={call} />
      </dd>
    </dl>
  );
}
