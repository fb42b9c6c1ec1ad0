import type { MenuStep, Step } from '../../api/routingTypes';
import { useI18n } from '../../i18n/i18n';
import { isStepArray } from './FallbackFields';
import { JsonField } from './JsonField';
import { NamePicker, type NameOption } from './NamePicker';
import { NumberField } from './NumberField';
import type { StepError } from './schemeContext';
import { stepFieldId } from './stepFieldIds';
import { withoutUndefined } from './stepModel';

const kKeys = /^[0-9*#]$/;

/** The prompts, how long to wait and how often to ask; the choices as JSON {"1": [steps], …}. */
export function MenuStepFields(props: { step: MenuStep; path: string; onChange: (step: MenuStep) => void; error?: StepError; prompts: NameOption[] | null }) {
  const { t } = useI18n();
  const { step, path, onChange, error, prompts } = props;
  const errorOf = (field: string) => (error?.field === field ? stepFieldId(path, 'error') : undefined);
  const id = (field: string) => stepFieldId(path, field);
  const optional = (key: 'invalid_prompt' | 'no_input_prompt', label: string) => (
    <NamePicker
      id={id(key)}
      label={label}
      optional
      value={step[key] ?? ''}
      options={prompts}
      invalidBy={errorOf(key)}
      onChange={(value) => onChange(withoutUndefined({ ...step, [key]: value || undefined }))}
    />
  );
  return (
    <div class="step-fields">
      <div class="step-row">
        <NamePicker id={id('prompt')} label={t('menu.prompt')} value={step.prompt} options={prompts} invalidBy={errorOf('prompt')} onChange={(prompt) => onChange({ ...step, prompt })} />
        <NumberField id={id('timeout')} label={t('menu.timeout')} min={1} max={60} value={step.timeout} invalidBy={errorOf('timeout')} onChange={(timeout) => onChange(withoutUndefined({ ...step, timeout }))} />
        <NumberField id={id('retries')} label={t('menu.retries')} min={0} max={5} value={step.retries} invalidBy={errorOf('retries')} onChange={(retries) => onChange(withoutUndefined({ ...step, retries }))} />
      </div>
      <div class="step-row">
        {optional('invalid_prompt', t('menu.invalidPrompt'))}
        {optional('no_input_prompt', t('menu.noInputPrompt'))}
      </div>
      <JsonField<Record<string, Step[]>>
        id={id('options')}
        label={t('menu.options')}
        hint={t('menu.optionsHint')}
        rows={8}
        value={step.options}
        invalidBy={errorOf('options')}
        check={(v) => {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return t('menu.optionsShape');
          for (const [key, steps] of Object.entries(v)) {
            if (!kKeys.test(key)) return t('menu.optionsKey', { key });
            if (!isStepArray(steps)) return t('scheme.jsonSteps');
          }
          return null;
        }}
        onChange={(options) => onChange({ ...step, options })}
      />
    </div>
  );
}
