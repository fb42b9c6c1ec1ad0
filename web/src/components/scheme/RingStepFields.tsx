import type { RingStep, RingStrategy } from '../../api/routingTypes';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../Field';
import { FallbackFields } from './FallbackFields';
import { NumberField } from './NumberField';
import type { StepError } from './schemeContext';
import { stepFieldId } from './stepFieldIds';
import { withoutUndefined } from './stepModel';
import { TargetPicker } from './TargetPicker';

export function RingStepFields({ step, path, onChange, error }: { step: RingStep; path: string; onChange: (step: RingStep) => void; error?: StepError }) {
  const { t } = useI18n();
  const errorOf = (field: string) => (error?.field === field ? stepFieldId(path, 'error') : undefined);
  const id = (field: string) => stepFieldId(path, field);
  return (
    <div class="step-fields">
      <TargetPicker id={id('targets')} targets={step.targets} invalidBy={errorOf('targets')} onChange={(targets) => onChange({ ...step, targets })} />
      <div class="step-row">
        <Field id={id('strategy')} label={t('ring.strategy')} invalidBy={errorOf('strategy')}>
          {(aria) => (
            <select {...aria} value={step.strategy ?? 'sequential'} onChange={(e) => onChange({ ...step, strategy: (e.currentTarget as HTMLSelectElement).value as RingStrategy })}>
              <option value="sequential">{t('ring.sequential')}</option>
              <option value="simultaneous">{t('ring.simultaneous')}</option>
            </select>
          )}
        </Field>
        <NumberField
          id={id('timeout')}
          label={t('ring.timeout')}
          hint={(step.strategy ?? 'sequential') === 'sequential' ? t('ring.timeoutEach') : t('ring.timeoutAll')}
          min={1}
          max={600}
          value={step.timeout}
          invalidBy={errorOf('timeout')}
          onChange={(timeout) => onChange(withoutUndefined({ ...step, timeout }))}
        />
        <label class="checkbox step-check">
          <input
            type="checkbox"
            id={id('skip_unavailable')}
            checked={step.skip_unavailable ?? true}
            onChange={(e) => onChange({ ...step, skip_unavailable: (e.currentTarget as HTMLInputElement).checked })}
          />
          {t('ring.skipUnavailable')}
        </label>
      </div>
      <FallbackFields step={step} path={path} onChange={onChange} errorField={error?.field} invalidBy={stepFieldId(path, 'error')} />
    </div>
  );
}
