import { useState } from 'preact/hooks';
import { schedules } from '../../api/routing';
import { weekdays, type Schedule, type Weekday } from '../../api/routingTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { knownTimeZones } from '../../time/calendarDay';
import { Field } from '../Field';
import { EditorActions } from '../routing/EditorActions';
import { EditorPanel } from '../routing/EditorPanel';
import { fieldProblemDisplay, type FieldProblem } from '../routing/fieldProblem';
import type { RoutingEditorProps } from '../routing/routingEditor';
import { useRoutingSave } from '../routing/useRoutingSave';
import { RangeList } from './RangeList';
import { draftOf, inputOf, scheduleErrorKey, type ScheduleDraft } from './scheduleModel';

/** One schedule as a form: time zone, hours per weekday, holidays, exceptional dates. */
export function ScheduleEditor(props: RoutingEditorProps & { schedule: Schedule | null }) {
  const { t } = useI18n();
  const { schedule, readOnly } = props;
  const [name, setName] = useState(schedule?.name ?? '');
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(schedule));
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const routing = useRoutingSave({
    kind: 'schedule',
    collection: schedules,
    original: schedule,
    editor: props,
    problems: fieldProblemDisplay(setProblem, scheduleErrorKey, t),
  });
  const zones = knownTimeZones();
  const dayName = (d: Weekday) => t(`weekday.${weekdays.indexOf(d)}` as MessageKey);
  const errorAt = (key: string) => (problem?.key === key ? problem.text : undefined);
  const update = (change: Partial<ScheduleDraft>) => setDraft({ ...draft, ...change });

  const formError = problem && (problem.key ? t('schedule.errorAt', { field: problem.key, message: problem.text }) : problem.text);
  return (
    <EditorPanel routing={routing} class="schedule-editor" formError={formError}>
      <form onSubmit={(e) => routing.save(e, name, () => inputOf(draft))} noValidate>
        <fieldset class="plain-fieldset" disabled={readOnly || routing.busy}>
          <div class="form-grid">
            <Field id="schedule-name" label={t('routing.name')} hint={schedule ? undefined : t('routing.nameHint')} error={errorAt('name')}>
              {(aria) => <input {...aria} name="name" autoComplete="off" readOnly={!!schedule} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
            <Field id="schedule-time_zone" label={t('schedule.timeZone')} hint={t('schedule.timeZoneHint')} error={errorAt('time_zone')}>
              {(aria) => (
                <>
                  <input
                    {...aria}
                    name="time_zone"
                    list="schedule-tz-list"
                    autoComplete="off"
                    spellcheck={false}
                    value={draft.time_zone}
                    onInput={(e) => update({ time_zone: (e.currentTarget as HTMLInputElement).value })}
                  />
                  <datalist id="schedule-tz-list">
                    {zones.map((z) => (
                      <option key={z} value={z} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          </div>

          <h3 id="schedule-weekly">{t('schedule.weekly')}</h3>
          <p class="muted small">{t('schedule.weeklyHint')}</p>
          <table class="week-table" aria-labelledby="schedule-weekly">
            <tbody>
              {weekdays.map((d) => (
                <tr key={d} data-day={d}>
                  <th scope="row">{dayName(d)}</th>
                  <td>
                    <RangeList
                      id={`schedule-${d}`}
                      dayLabel={dayName(d)}
                      ranges={draft.weekly[d]}
                      readOnly={readOnly}
                      errorOf={(i) => errorAt(i < 0 ? `weekly.${d}` : `weekly.${d}[${i}]`)}
                      onChange={(ranges) => update({ weekly: { ...draft.weekly, [d]: ranges } })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!readOnly && (
            <button
              type="button"
              class="button-secondary"
              onClick={() => update({ weekly: { ...draft.weekly, tue: [...draft.weekly.mon], wed: [...draft.weekly.mon], thu: [...draft.weekly.mon], fri: [...draft.weekly.mon] } })}
            >
              {t('schedule.copyMonday')}
            </button>
          )}

          <h3 id="schedule-holidays">{t('schedule.holidays')}</h3>
          <p class="muted small">{t('schedule.holidaysHint')}</p>
          <ul class="plain-list date-list" aria-labelledby="schedule-holidays">
            {draft.holidays.map((day, i) => (
              <li key={i} class={errorAt(`holidays[${i}]`) ? 'field-invalid' : undefined}>
                <input
                  type="date"
                  id={`schedule-holiday-${i}`}
                  aria-label={t('schedule.holiday', { n: i + 1 })}
                  aria-invalid={errorAt(`holidays[${i}]`) ? true : undefined}
                  value={day}
                  onInput={(e) => update({ holidays: draft.holidays.map((h, j) => (j === i ? (e.currentTarget as HTMLInputElement).value : h)) })}
                />
                {!readOnly && (
                  <button type="button" class="button-link" aria-label={t('schedule.removeHoliday', { n: i + 1 })} onClick={() => update({ holidays: draft.holidays.filter((_, j) => j !== i) })}>
                    {t('common.delete')}
                  </button>
                )}
                {errorAt(`holidays[${i}]`) && <small class="field-error">{errorAt(`holidays[${i}]`)}</small>}
              </li>
            ))}
          </ul>
          {errorAt('holidays') && <small class="field-error">{errorAt('holidays')}</small>}
          {!readOnly && (
            <button type="button" class="button-secondary" data-add-holiday onClick={() => update({ holidays: [...draft.holidays, ''] })}>
              {t('schedule.addHoliday')}
            </button>
          )}

          <h3 id="schedule-exceptions">{t('schedule.exceptions')}</h3>
          <p class="muted small">{t('schedule.exceptionsHint')}</p>
          <ul class="plain-list date-list" aria-labelledby="schedule-exceptions">
            {draft.exceptions.map((row, i) => {
              const at = `exceptions.${row.date.trim()}`;
              const setRow = (change: Partial<typeof row>) => update({ exceptions: draft.exceptions.map((r, j) => (j === i ? { ...r, ...change } : r)) });
              return (
                <li key={i} class="exception-row">
                  <input
                    type="date"
                    id={`schedule-exception-${i}`}
                    aria-label={t('schedule.exceptionDate', { n: i + 1 })}
                    aria-invalid={errorAt(at) ? true : undefined}
                    value={row.date}
                    onInput={(e) => setRow({ date: (e.currentTarget as HTMLInputElement).value })}
                  />
                  <RangeList
                    id={`schedule-exception-${i}-ranges`}
                    dayLabel={row.date || t('schedule.exceptionDate', { n: i + 1 })}
                    ranges={row.ranges}
                    readOnly={readOnly}
                    errorOf={(r) => errorAt(r < 0 ? at : `${at}[${r}]`)}
                    onChange={(ranges) => setRow({ ranges })}
                  />
                  {!readOnly && (
                    <button type="button" class="button-link" aria-label={t('schedule.removeException', { n: i + 1 })} onClick={() => update({ exceptions: draft.exceptions.filter((_, j) => j !== i) })}>
                      {t('common.delete')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {errorAt('exceptions') && <small class="field-error">{errorAt('exceptions')}</small>}
          {!readOnly && (
            <button type="button" class="button-secondary" onClick={() => update({ exceptions: [...draft.exceptions, { date: '', ranges: [] }] })}>
              {t('schedule.addException')}
            </button>
          )}
        </fieldset>
        <EditorActions routing={routing} />
      </form>
    </EditorPanel>
  );
}
