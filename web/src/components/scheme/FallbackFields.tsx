import { fallbackKeys, type Fallbacks, type Step } from '../../api/routingTypes';
import { useI18n } from '../../i18n/i18n';
import { JsonField } from './JsonField';
import { stepFieldId } from './stepFieldIds';

export function isStepArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((s) => typeof s === 'object' && s !== null && typeof (s as { type?: unknown }).type === 'string');
}

/** A ring or forward step's on_busy / on_no_answer / on_unavailable lists, as JSON (rarely used). */
export function FallbackFields<S extends Fallbacks>({ step, path, onChange, errorField, invalidBy }: { step: S; path: string; onChange: (step: S) => void; errorField?: string; invalidBy?: string }) {
  const { t } = useI18n();
  const used = fallbackKeys.filter((key) => step[key] !== undefined);
  return (
    <details class="fallbacks" open={used.length > 0 || (errorField !== undefined && (fallbackKeys as readonly string[]).includes(errorField))}>
      <summary>{t('scheme.fallbacks', { count: used.length })}</summary>
      <p class="muted small">{t('scheme.fallbacksHint')}</p>
      {fallbackKeys.map((key) => (
        <div key={key} class="fallback">
          <label class="checkbox">
            <input
              type="checkbox"
              checked={step[key] !== undefined}
              onChange={(e) => {
                const next = { ...step };
                if ((e.currentTarget as HTMLInputElement).checked) next[key] = [];
                else delete next[key];
                onChange(next);
              }}
            />
            {t(`scheme.${key}`)}
          </label>
          {step[key] !== undefined && (
            <JsonField<Step[]>
              id={stepFieldId(path, key)}
              label={t('scheme.fallbackSteps', { when: t(`scheme.${key}`) })}
              value={step[key] ?? []}
              check={(v) => (isStepArray(v) ? null : t('scheme.jsonSteps'))}
              invalidBy={errorField === key ? invalidBy : undefined}
              onChange={(steps) => onChange({ ...step, [key]: steps })}
            />
          )}
        </div>
      ))}
    </details>
  );
}
