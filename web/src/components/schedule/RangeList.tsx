import { useI18n } from '../../i18n/i18n';
import type { TimeRange } from './scheduleModel';

const kEnds = {
  from: { placeholder: '09:00', label: 'schedule.rangeFrom' },
  to: { placeholder: '18:00', label: 'schedule.rangeTo' },
} as const;

/** The open ranges of one day ("09:00" to "18:00", a few of them); none: closed. */
export function RangeList(props: {
  id: string;
  /** "Mon", "31.12.2027": for the controls' labels. */
  dayLabel: string;
  ranges: TimeRange[];
  onChange: (ranges: TimeRange[]) => void;
  /** The error of range i (or -1: of the whole day). */
  errorOf: (index: number) => string | undefined;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const { id, dayLabel, ranges, onChange } = props;
  const set = (i: number, key: keyof TimeRange, value: string) => onChange(ranges.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const dayError = props.errorOf(-1);
  return (
    <div class="range-list" data-ranges={id}>
      {ranges.length === 0 && <span class="muted small">{t('schedule.closed')}</span>}
      {ranges.map((range, i) => {
        const error = props.errorOf(i);
        const errorId = `${id}-${i}-error`;
        const endInput = (end: keyof TimeRange) => (
          <input
            id={`${id}-${i}-${end}`}
            class="time-input"
            inputMode="numeric"
            placeholder={kEnds[end].placeholder}
            maxLength={5}
            aria-label={t(kEnds[end].label, { day: dayLabel, n: i + 1 })}
            value={range[end]}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onInput={(e) => set(i, end, (e.currentTarget as HTMLInputElement).value)}
          />
        );
        return (
          <span key={i} class={`range${error ? ' field-invalid' : ''}`} data-range={i}>
            {endInput('from')}
            <span aria-hidden="true">–</span>
            {endInput('to')}
            {!props.readOnly && (
              <button type="button" class="icon-button" aria-label={t('schedule.removeRange', { day: dayLabel, n: i + 1 })} onClick={() => onChange(ranges.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
            {error && (
              <small id={errorId} class="field-error" data-field-error={`${id}-${i}`}>
                {error}
              </small>
            )}
          </span>
        );
      })}
      {!props.readOnly && (
        <button type="button" class="button-link" aria-label={t('schedule.addRangeTo', { day: dayLabel })} onClick={() => onChange([...ranges, { from: '', to: '' }])}>
          {t('schedule.addRange')}
        </button>
      )}
      {dayError && (
        <small class="field-error" data-field-error={id}>
          {dayError}
        </small>
      )}
    </div>
  );
}
