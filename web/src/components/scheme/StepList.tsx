import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { stepTypes, type Step, type StepType } from '../../api/routingTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ReorderableList } from '../ReorderableList';
import { useSchemeEditing } from './schemeContext';
import { StepFields } from './StepFields';
import { stepFieldId } from './stepFieldIds';
import { newStep } from './stepModel';

/** An ordered list of steps (a scheme's, or a branch of a `when` step): reorder, add, delete. */
export function StepList({ steps, onChange, path, label }: { steps: Step[]; onChange: (steps: Step[]) => void; path: string; label: string }) {
  const { t } = useI18n();
  const { readOnly, choices, onStructureChange } = useSchemeEditing();
  const [adding, setAdding] = useState<StepType>('ring');
  const idBase = `step-${path.replace(/[^a-z0-9]+/gi, '-')}`;
  const stepLabel = (step: Step, index: number) => t('scheme.stepLabel', { n: index + 1, type: t(`step.${step.type}` as MessageKey) });

  return (
    <div class="step-list" data-steps={path}>
      {steps.length === 0 && <p class="muted small">{t('scheme.noSteps')}</p>}
      <ReorderableList
        items={steps}
        readOnly={readOnly}
        name={path}
        itemLabel={stepLabel}
        onChange={(next) => {
          onStructureChange();
          onChange(next);
        }}
        renderItem={(step, index, controls) => (
          <StepCard
            step={step}
            path={`${path}[${index}]`}
            label={stepLabel(step, index)}
            reorder={controls.reorder}
            onRemove={controls.remove}
            onChange={(next) => onChange(steps.map((s, i) => (i === index ? next : s)))}
          />
        )}
      />
      {!readOnly && (
        <div class="add-step" role="group" aria-label={t('scheme.addStepTo', { list: label })}>
          <label class="visually-hidden" for={`${idBase}-add`}>
            {t('scheme.stepType')}
          </label>
          <select id={`${idBase}-add`} data-add-step-type value={adding} onChange={(e) => setAdding((e.currentTarget as HTMLSelectElement).value as StepType)}>
            {stepTypes.map((type) => (
              <option key={type} value={type}>
                {t(`step.${type}` as MessageKey)}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button-secondary"
            data-add-step
            onClick={() => {
              onStructureChange();
              onChange([...steps, newStep(adding, choices.schedules?.[0]?.name ?? '')]);
            }}
          >
            {t('scheme.addStep')}
          </button>
        </div>
      )}
    </div>
  );
}

function StepCard(props: {
  step: Step;
  path: string;
  label: string;
  reorder: ComponentChildren;
  onRemove: () => void;
  onChange: (step: Step) => void;
}) {
  const { t } = useI18n();
  const { readOnly, errorAt } = useSchemeEditing();
  const error = errorAt(props.path);
  const headingId = `${props.path.replace(/[^a-z0-9]+/gi, '-')}-title`;
  return (
    <section class={`step-card step-${props.step.type}${error ? ' step-invalid' : ''}`} data-step={props.path} data-step-type={props.step.type} aria-labelledby={headingId}>
      <header class="step-head">
        {props.reorder}
        <h4 id={headingId}>{props.label}</h4>
        <span class="muted small step-hint">{t(`step.${props.step.type}.hint` as MessageKey)}</span>
        {!readOnly && (
          <button type="button" class="button-link step-delete" aria-label={t('scheme.deleteStep', { step: props.label })} onClick={props.onRemove}>
            {t('common.delete')}
          </button>
        )}
      </header>
      {error && (
        <p id={stepFieldId(props.path, 'error')} class="step-error field-error" role="alert" data-step-error={props.path}>
          {error.message}
        </p>
      )}
      <StepFields step={props.step} path={props.path} onChange={props.onChange} error={error} />
    </section>
  );
}
