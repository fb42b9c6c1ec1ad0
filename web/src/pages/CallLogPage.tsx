import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { listCalls, type CallFilter } from '../api/calls';
import { outcomes, type Call, type Outcome } from '../api/types';
import { useResource } from '../api/useResource';
import { CallCells } from '../components/CallCells';
import { CallDetail } from '../components/CallDetail';
import { ErrorNotice } from '../components/ErrorNotice';
import { Pager, usePageTrail } from '../components/Pager';
import { formatCallTime } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { addDays, localMidnightMs } from '../time/calendarDay';
import { usePageTitle } from './usePageTitle';

const kPageSize = 50;

interface FilterForm {
  fromDay: string;
  toDay: string;
  number: string;
  outcome: Outcome | '';
}

const kEmptyForm: FilterForm = { fromDay: '', toDay: '', number: '', outcome: '' };

function filterOf(form: FilterForm): CallFilter {
  return {
    fromMs: form.fromDay ? localMidnightMs(form.fromDay) : undefined,
    // The end day is included: up to the next midnight.
    toMs: form.toDay ? localMidnightMs(addDays(form.toDay, 1)) : undefined,
    number: form.number,
    outcome: form.outcome,
  };
}

export function CallLogPage() {
  const { t, locale } = useI18n();
  usePageTitle(t('calls.title'));
  const [form, setForm] = useState<FilterForm>(kEmptyForm);
  const [applied, setApplied] = useState<FilterForm>(kEmptyForm);
  const [formError, setFormError] = useState<string | null>(null);
  const trail = usePageTrail<string>();
  const [open, setOpen] = useState<string | null>(null);
  const cursor = trail.cursor;
  const page = useResource(
    (signal) => listCalls(filterOf(applied), { limit: kPageSize, cursor, signal }),
    [applied, cursor],
  );

  const apply = (next: FilterForm) => {
    if (next.fromDay && next.toDay && next.toDay < next.fromDay) {
      setFormError(t('error.dateRange'));
      return;
    }
    setFormError(null);
    setApplied(next);
    trail.restart();
    setOpen(null);
  };
  const set = (key: keyof FilterForm) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  return (
    <div class="page">
      <h1>{t('calls.title')}</h1>
      <form
        class="filters"
        aria-label={t('calls.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply(form);
        }}
      >
        <div class="field">
          <label for="calls-from">{t('common.from')}</label>
          <input id="calls-from" name="from" type="date" value={form.fromDay} onInput={set('fromDay')} />
        </div>
        <div class="field">
          <label for="calls-to">{t('common.to')}</label>
          <input id="calls-to" name="to" type="date" value={form.toDay} onInput={set('toDay')} />
        </div>
        <div class="field field-wide">
          <label for="calls-number">{t('calls.number')}</label>
          <input
            id="calls-number"
            name="number"
            type="search"
            inputMode="tel"
            value={form.number}
            onInput={set('number')}
            placeholder="+380…"
            aria-describedby="calls-number-hint"
          />
          <small id="calls-number-hint" class="field-hint">
            {t('calls.numberHint')}
          </small>
        </div>
        <div class="field">
          <label for="calls-outcome">{t('calls.outcome')}</label>
          <select id="calls-outcome" name="outcome" value={form.outcome} onChange={set('outcome')}>
            <option value="">{t('calls.anyOutcome')}</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div class="filter-actions">
          <button type="submit" class="button-primary">
            {t('common.show')}
          </button>
          <button
            type="button"
            class="button-secondary"
            onClick={() => {
              setForm(kEmptyForm);
              apply(kEmptyForm);
            }}
          >
            {t('common.reset')}
          </button>
        </div>
      </form>
      {formError && (
        <p class="notice notice-error" role="alert">
          {formError}
        </p>
      )}
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}

      <div class="table-wrap" aria-busy={page.loading}>
        <table class="data-table call-log" data-table="call-log">
          <caption class="visually-hidden">{t('calls.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('calls.time')}</th>
              <th scope="col">{t('calls.caller')}</th>
              <th scope="col">{t('calls.called')}</th>
              <th scope="col">{t('calls.answeredBy')}</th>
              <th scope="col" class="num">{t('calls.talk')}</th>
              <th scope="col">{t('calls.result')}</th>
              <th scope="col">{t('calls.audio')}</th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.items ?? []).map((call) => (
              <CallRow
                key={call.id}
                call={call}
                open={open === call.id}
                onToggle={() => setOpen(open === call.id ? null : call.id)}
                locale={locale}
              />
            ))}
          </tbody>
        </table>
        {page.loading && <p class="muted">{t('common.loading')}</p>}
        {!page.loading && page.data && page.data.items.length === 0 && <p class="empty">{t('calls.empty')}</p>}
      </div>

      <Pager trail={trail} next={page.data?.next_cursor} onTurn={() => setOpen(null)} />
    </div>
  );
}

function CallRow({ call, open, onToggle, locale }: { call: Call; open: boolean; onToggle: () => void; locale: string }) {
  const { t } = useI18n();
  const time = formatCallTime(call.started_at, locale);
  const detailId = `call-${call.id}-detail`;
  return (
    <Fragment>
      <tr class={`call-row${open ? ' is-open' : ''}`} data-call-id={call.id} onClick={onToggle}>
        <td>
          <button
            type="button"
            class="row-toggle"
            aria-expanded={open}
            aria-controls={detailId}
            aria-label={t('calls.details', { caller: call.caller, time })}
          >
            <span class="chevron" aria-hidden="true">
              ▸
            </span>
            <time dateTime={call.started_at}>{time}</time>
          </button>
        </td>
        <CallCells call={call} />
        <td>
          {call.recording_id !== null && <span class="tag">{t('calls.hasRecording')}</span>}
          {call.voicemail_id !== null && <span class="tag">{t('calls.hasVoicemail')}</span>}
        </td>
      </tr>
      {open && (
        <tr class="detail-row" id={detailId}>
          <td colSpan={7}>
            <CallDetail id={call.id} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
