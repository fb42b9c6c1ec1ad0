import type { Step, WhenStep } from '../../api/routingTypes';
import { useI18n } from '../../i18n/i18n';
import { NamePicker } from './NamePicker';
import { useSchemeEditing, type StepError } from './schemeContext';
import { stepFieldId } from './stepFieldIds';
import { StepList } from './StepList';

/** A schedule picker and the two branches, each a list of steps of its own. */
export function WhenStepFields({ step, path, onChange, error }: { step: WhenStep; path: string; onChange: (step: WhenStep) => void; error?: StepError }) {
  const { t } = useI18n();
  const { choices } = useSchemeEditing();
  const branch = (key: 'open' | 'closed', label: string) => (
    <div class={`branch branch-${key}`}>
      <h5>{label}</h5>
      <StepList steps={step[key]} path={`${path}.${key}`} label={label} onChange={(steps: Step[]) => onChange({ ...step, [key]: steps })} />
    </div>
  );
  return (
    <div class="step-fields">
      <NamePicker
        id={stepFieldId(path, 'schedule')}
        label={t('when.schedule')}
        hint={t('when.scheduleHint')}
        value={step.schedule}
        options={choices.schedules?.map((s) => ({ value: s.name, label: s.time_zone ? `${s.name} (${s.time_zone})` : s.name })) ?? null}
        invalidBy={error?.field === 'schedule' ? stepFieldId(path, 'error') : undefined}
        onChange={(schedule) => onChange({ ...step, schedule })}
      />
      <div class="branches">
        {branch('open', t('when.open'))}
        {branch('closed', t('when.closed'))}
      </div>
    </div>
  );
}
