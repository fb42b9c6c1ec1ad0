import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { voicemailAudioUrl } from '../api/calls';
import { voicemailBoxes } from '../api/routing';
import { atLeast, type Voicemail } from '../api/types';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { listVoicemails, setHeard } from '../api/voicemails';
import { ErrorNotice } from '../components/ErrorNotice';
import { Pager, usePageTrail } from '../components/Pager';
import { formatCallTime, formatDuration } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { voicemailsChanged } from '../live/unheardVoicemails';
import { useEventRefresh } from '../live/useEventRefresh';
import { callPath } from '../router';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

const kPageSize = 50;

/** Voicemail messages, newest first: listen (which marks them heard), mark unheard, open the call. */
export function VoicemailPage() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('voicemail.title'));
  const seesAll = atLeast(user.role, 'head');
  const [box, setBox] = useState('');
  const [unheardOnly, setUnheardOnly] = useState(false);
  const trail = usePageTrail<number>();
  const before = trail.cursor;
  const list = useResource(
    (signal) => listVoicemails({ box: seesAll ? box : undefined, heard: unheardOnly ? false : undefined, before, limit: kPageSize }, signal),
    [box, unheardOnly, before, seesAll],
  );
  // A new message shows at once on the newest page.
  useEventRefresh(() => trail.number === 1 && list.reload(), (event) => event.type === 'voicemail.recorded', 30_000);
  const [heardNow, setHeardNow] = useState<Map<number, boolean>>(new Map());
  const [open, setOpen] = useState<number | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);

  const isHeard = (v: Voicemail) => heardNow.get(v.id) ?? v.heard;
  const mark = async (v: Voicemail, heard: boolean) => {
    setRowError(null);
    try {
      await setHeard(v.id, heard);
      setHeardNow((m) => new Map(m).set(v.id, heard));
      voicemailsChanged();
    } catch (failure) {
      setRowError(failure);
    }
  };
  const toggle = (v: Voicemail) => {
    if (open === v.id) return setOpen(null);
    setOpen(v.id);
    if (!isHeard(v)) void mark(v, true);
  };
  const restart = () => {
    trail.restart();
    setOpen(null);
    setHeardNow(new Map());
  };

  return (
    <div class="page">
      <h1>{t('voicemail.title')}</h1>
      <p class="muted">{seesAll ? t('voicemail.leadAll') : t('voicemail.leadOwn')}</p>
      <div class="filters" role="group" aria-label={t('calls.filters')}>
        {seesAll && <BoxFilter value={box} onChange={(b) => { setBox(b); restart(); }} />}
        <label class="checkbox filter-check">
          <input
            type="checkbox"
            name="unheard"
            checked={unheardOnly}
            onChange={(e) => {
              setUnheardOnly((e.currentTarget as HTMLInputElement).checked);
              restart();
            }}
          />
          {t('voicemail.unheardOnly')}
        </label>
      </div>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {rowError ? <ErrorNotice error={rowError} /> : null}
      <div class="table-wrap" aria-busy={list.loading}>
        <table class="data-table" data-table="voicemails">
          <caption class="visually-hidden">{t('voicemail.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('calls.time')}</th>
              <th scope="col">{t('calls.caller')}</th>
              <th scope="col">{t('voicemail.box')}</th>
              <th scope="col" class="num">{t('voicemail.length')}</th>
              <th scope="col">{t('voicemail.state')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((v) => (
              <VoicemailRow key={v.id} voicemail={v} heard={isHeard(v)} open={open === v.id} onToggle={() => toggle(v)} onMark={(heard) => mark(v, heard)} />
            ))}
          </tbody>
        </table>
        {list.loading && <p class="muted">{t('common.loading')}</p>}
        {!list.loading && list.data && list.data.items.length === 0 && <p class="empty">{t('voicemail.empty')}</p>}
      </div>
      <Pager trail={trail} next={list.data?.next_before} onTurn={() => setOpen(null)} />
    </div>
  );
}

function VoicemailRow({ voicemail: v, heard, open, onToggle, onMark }: { voicemail: Voicemail; heard: boolean; open: boolean; onToggle: () => void; onMark: (heard: boolean) => void }) {
  const { t, locale } = useI18n();
  const time = formatCallTime(v.recorded_at, locale);
  const detailId = `voicemail-${v.id}-player`;
  return (
    <Fragment>
      <tr class={`call-row${open ? ' is-open' : ''}${heard ? '' : ' is-unheard'}`} data-voicemail={v.id} data-heard={heard ? 'yes' : 'no'}>
        <td>
          <button type="button" class="row-toggle" aria-expanded={open} aria-controls={detailId} aria-label={t('voicemail.listenTo', { caller: v.caller, time })} onClick={onToggle}>
            <span class="chevron" aria-hidden="true">
              ▸
            </span>
            <time dateTime={v.recorded_at}>{time}</time>
          </button>
        </td>
        <td>{v.caller}</td>
        <td>{v.box}</td>
        <td class="num">{formatDuration(v.duration_ms)}</td>
        <td>
          <span class={heard ? 'badge' : 'badge badge-voicemail'} data-heard-badge>
            {heard ? t('voicemail.heard') : t('voicemail.unheard')}
          </span>
        </td>
        <td class="row-actions">
          <button type="button" class="button-secondary" data-mark={heard ? 'unheard' : 'heard'} onClick={() => onMark(!heard)}>
            {heard ? t('voicemail.markUnheard') : t('voicemail.markHeard')}
          </button>
          <a class="row-link" href={callPath(v.call_id)}>
            {t('voicemail.call')}
          </a>
        </td>
      </tr>
      {open && (
        <tr class="detail-row" id={detailId}>
          <td colSpan={6}>
            <section class="audio">
              <h3 class="visually-hidden">{t('calls.voicemail')}</h3>
              <audio controls preload="metadata" src={voicemailAudioUrl(v.id)} aria-label={t('voicemail.player', { caller: v.caller })} onPlay={() => !heard && onMark(true)} />
              <a href={voicemailAudioUrl(v.id)} download>
                {t('calls.download')}
              </a>
            </section>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** Which box: the company's boxes and every user's own. */
function BoxFilter({ value, onChange }: { value: string; onChange: (box: string) => void }) {
  const { t } = useI18n();
  const boxes = useResource((signal) => voicemailBoxes.list(signal), []);
  const users = useResource((signal) => listAllUsers(signal), []);
  const named = boxes.data?.items.map((b) => b.name) ?? [];
  const personal = (users.data ?? []).filter((u) => !named.includes(u.username));
  return (
    <div class="field">
      <label for="voicemail-box">{t('voicemail.box')}</label>
      <select id="voicemail-box" name="box" value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{t('voicemail.allBoxes')}</option>
        {named.length > 0 && (
          <optgroup label={t('voicemailStep.boxes')}>
            {named.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </optgroup>
        )}
        {personal.length > 0 && (
          <optgroup label={t('voicemailStep.personal')}>
            {personal.map((u) => (
              <option key={u.username} value={u.username}>
                {u.display_name ? `${u.display_name} (${u.username})` : u.username}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}
