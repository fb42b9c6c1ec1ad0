import { useEffect, useMemo, useState } from 'preact/hooks';
import { heatmap, type HeatmapQuery } from '../api/reports';
import type { Heatmap } from '../api/types';
import { useResource } from '../api/useResource';
import { ErrorNotice } from '../components/ErrorNotice';
import { HeatmapGrid } from '../components/HeatmapGrid';
import { formatNumber, percent } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { addDays, browserTimeZone, isKnownTimeZone, knownTimeZones, today, zonedMidnightMs } from '../time/calendarDay';
import { usePageTitle } from './usePageTitle';

interface ReportForm {
  fromDay: string;
  toDay: string;
  numbers: string;
  timeZone: string;
}

/** `zone`: where the days start (the chosen zone, else the company's once known). */
function queryOf(form: ReportForm, zone: string): HeatmapQuery {
  return {
    fromMs: zonedMidnightMs(form.fromDay, zone),
    // The end day is included: up to the next midnight in the report's zone.
    toMs: zonedMidnightMs(addDays(form.toDay, 1), zone),
    numbers: form.numbers,
    timeZone: form.timeZone,
  };
}

function defaultForm(): ReportForm {
  return {
    // Four whole weeks up to today: every weekday counted four times.
    fromDay: addDays(today(), -27),
    toDay: today(),
    numbers: '',
    // Empty: the company's zone (the API's default).
    timeZone: '',
  };
}

export function HeatmapPage() {
  const { t } = useI18n();
  usePageTitle(t('heatmap.title'));
  const [form, setForm] = useState<ReportForm>(defaultForm);
  const [applied, setApplied] = useState<ReportForm>(form);
  const [formError, setFormError] = useState<{ field: keyof ReportForm; text: string } | null>(null);
  const zones = useMemo(() => ['Europe/Kyiv', ...knownTimeZones().filter((z) => z !== 'Europe/Kyiv')], []);
  // The company's zone comes with the first answer; until then days start in the browser's.
  const [companyZone, setCompanyZone] = useState<string | null>(null);
  const zone = applied.timeZone.trim() || companyZone || browserTimeZone();
  const report = useResource((signal) => heatmap(queryOf(applied, zone), signal), [applied, zone]);
  useEffect(() => {
    if (report.data && !applied.timeZone.trim() && companyZone === null) setCompanyZone(report.data.time_zone);
  }, [report.data]);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!form.fromDay || !form.toDay || form.toDay < form.fromDay) {
      setFormError({ field: 'toDay', text: t('error.dateRange') });
      return;
    }
    if (form.timeZone.trim() && !isKnownTimeZone(form.timeZone.trim())) {
      setFormError({ field: 'timeZone', text: t('error.timeZone') });
      return;
    }
    setFormError(null);
    setApplied({ ...form });
  };
  const set = (key: keyof ReportForm) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  const errorFor = (key: keyof ReportForm) => (formError?.field === key ? formError.text : undefined);

  return (
    <div class="page">
      <h1>{t('heatmap.title')}</h1>
      <p class="muted">{t('heatmap.lead')}</p>
      <form class="filters" onSubmit={submit} aria-label={t('calls.filters')}>
        <div class="field">
          <label for="heat-from">{t('common.from')}</label>
          <input id="heat-from" name="from" type="date" required value={form.fromDay} onInput={set('fromDay')} />
        </div>
        <div class={`field${errorFor('toDay') ? ' field-invalid' : ''}`}>
          <label for="heat-to">{t('common.to')}</label>
          <input
            id="heat-to"
            name="to"
            type="date"
            required
            value={form.toDay}
            onInput={set('toDay')}
            aria-invalid={errorFor('toDay') ? true : undefined}
            aria-describedby={errorFor('toDay') ? 'heat-to-error' : undefined}
          />
          {errorFor('toDay') && (
            <small id="heat-to-error" class="field-error">
              {errorFor('toDay')}
            </small>
          )}
        </div>
        <div class="field field-wide">
          <label for="heat-numbers">{t('heatmap.number')}</label>
          <input
            id="heat-numbers"
            name="number"
            type="text"
            inputMode="tel"
            placeholder="+380…"
            value={form.numbers}
            onInput={set('numbers')}
            aria-describedby="heat-numbers-hint"
          />
          <small id="heat-numbers-hint" class="field-hint">
            {t('heatmap.numberHint')}
          </small>
        </div>
        <div class={`field${errorFor('timeZone') ? ' field-invalid' : ''}`}>
          <label for="heat-tz">{t('heatmap.timeZone')}</label>
          <input
            id="heat-tz"
            name="tz"
            type="text"
            list="heat-tz-list"
            autoComplete="off"
            spellcheck={false}
            value={form.timeZone}
            placeholder={companyZone ?? ''}
            onInput={set('timeZone')}
            aria-invalid={errorFor('timeZone') ? true : undefined}
            aria-describedby={errorFor('timeZone') ? 'heat-tz-hint heat-tz-error' : 'heat-tz-hint'}
          />
          <small id="heat-tz-hint" class="field-hint">
            {t('heatmap.timeZoneHint', { zone: companyZone ?? '…' })}
          </small>
          <datalist id="heat-tz-list">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {errorFor('timeZone') && (
            <small id="heat-tz-error" class="field-error">
              {errorFor('timeZone')}
            </small>
          )}
        </div>
        <div class="filter-actions">
          <button type="submit" class="button-primary">
            {t('common.show')}
          </button>
        </div>
      </form>

      {report.error ? <ErrorNotice error={report.error} onRetry={report.reload} /> : null}
      {report.loading && !report.data && <p class="muted">{t('common.loading')}</p>}
      {report.data && (
        <div aria-busy={report.loading}>
          <Summary heatmap={report.data} />
          <HeatmapGrid heatmap={report.data} />
        </div>
      )}
    </div>
  );
}

function Summary({ heatmap: h }: { heatmap: Heatmap }) {
  const { t, locale } = useI18n();
  let top: { day: number; hour: number; total: number } | null = null;
  for (let day = 0; day < h.cells.length; ++day) {
    for (let hour = 0; hour < h.cells[day].length; ++hour) {
      const total = h.cells[day][hour].total;
      if (total > 0 && (top === null || total > top.total)) top = { day, hour, total };
    }
  }
  return (
    <section class="cards" aria-label={t('heatmap.title')}>
      <div class="card" data-summary="total">
        <span class="card-label">{t('heatmap.calls')}</span>
        <span class="card-value">{formatNumber(h.total, locale)}</span>
        <span class="card-note">{t('heatmap.zoneShown', { zone: h.time_zone })}</span>
      </div>
      <div class={`card${h.missed > 0 ? ' card-warn' : ''}`} data-summary="missed">
        <span class="card-label">{t('heatmap.missed')}</span>
        <span class="card-value">{formatNumber(h.missed, locale)}</span>
        <span class="card-note">
          {t('heatmap.missedShare')}: {percent(h.missed, h.total)}%
        </span>
      </div>
      <div class="card" data-summary="busiest">
        <span class="card-label">{t('heatmap.busiest')}</span>
        <span class="card-value">
          {top ? `${t(`weekday.${top.day}` as MessageKey)} ${String(top.hour).padStart(2, '0')}:00` : t('common.none')}
        </span>
        {top && <span class="card-note">{t('heatmap.calls')}: {top.total}</span>}
      </div>
    </section>
  );
}
