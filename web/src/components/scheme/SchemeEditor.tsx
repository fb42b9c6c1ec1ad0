import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { schemes } from '../../api/routing';
import { recordModes, type RecordMode, type Scheme, type SchemeInput, type Step } from '../../api/routingTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { errorText } from '../ErrorNotice';
import { Field } from '../Field';
import { EditorActions } from '../routing/EditorActions';
import { EditorPanel } from '../routing/EditorPanel';
import type { RoutingEditorProps } from '../routing/routingEditor';
import { useRoutingSave } from '../routing/useRoutingSave';
import { SchemeEditingContext, type SchemeChoices, type SchemeEditing, type StepError } from './schemeContext';
import { StepList } from './StepList';
import { fieldOf, stepErrorLocation } from './stepModel';

interface Problems {
  /** Shown above the form. */
  top: string | null;
  name?: string;
  description?: string;
  record?: string;
  /** By step path ("steps[1]", "steps[0].open[2]"). */
  steps: Map<string, StepError>;
}

const kNoProblems: Problems = { top: null, steps: new Map() };

/** One scheme as a form: name (new ones), description, recording, the steps. Save = PUT. */
export function SchemeEditor(props: RoutingEditorProps & { scheme: Scheme | null; choices: SchemeChoices }) {
  const { t } = useI18n();
  const { scheme, readOnly } = props;
  const [name, setName] = useState(scheme?.name ?? '');
  const [description, setDescription] = useState(scheme?.description ?? '');
  const [record, setRecord] = useState<RecordMode | ''>(scheme?.record ?? '');
  const [steps, setSteps] = useState<Step[]>(scheme?.steps ?? []);
  const [problems, setProblems] = useState<Problems>(kNoProblems);
  const invalidJson = useRef(new Set<string>());
  const formRef = useRef<HTMLFormElement>(null);

  const editing = useMemo<SchemeEditing>(
    () => ({
      choices: props.choices,
      readOnly,
      errorAt: (path) => problems.steps.get(path),
      onStructureChange: () => setProblems((p) => (p.steps.size ? { ...p, steps: new Map() } : p)),
      setJsonInvalid: (id, invalid) => {
        if (invalid) invalidJson.current.add(id);
        else invalidJson.current.delete(id);
      },
    }),
    [props.choices, readOnly, problems],
  );

  const showFailure = (failure: unknown) => {
    const next: Problems = { top: errorText(failure, t), steps: new Map() };
    if (failure instanceof ApiError && failure.field) {
      const at = stepErrorLocation(failure.field);
      if (at) {
        next.steps.set(at.step, { message: at.rest ? `${at.rest}: ${failure.fieldMessage}` : failure.fieldMessage, field: fieldOf(at.rest) });
        next.top = t('scheme.errorAtStep', { n: at.top + 1, message: failure.message });
        requestAnimationFrame(() => formRef.current?.querySelector(`[data-step="${at.step}"]`)?.scrollIntoView({ block: 'center' }));
      } else if (/(^|\.)description$/.test(failure.field)) {
        next.description = failure.fieldMessage;
      } else if (/(^|\.)record$/.test(failure.field)) {
        next.record = failure.fieldMessage;
      } else if (/(^|\.)name$/.test(failure.field)) {
        next.name = failure.fieldMessage;
      }
    }
    setProblems(next);
  };

  const routing = useRoutingSave({
    kind: 'scheme',
    collection: schemes,
    original: scheme,
    editor: props,
    problems: {
      clear: () => setProblems(kNoProblems),
      name: (text) => setProblems({ ...kNoProblems, name: text }),
      failure: showFailure,
    },
  });

  const body = (): SchemeInput | null => {
    // A JSON field that does not parse keeps its last good value: saving that would lose the edit.
    if (invalidJson.current.size > 0) {
      setProblems({ ...kNoProblems, top: t('scheme.fixJson') });
      return null;
    }
    const input: SchemeInput = { description: description.trim(), steps };
    if (record) input.record = record;
    return input;
  };

  return (
    <EditorPanel routing={routing} class="scheme-editor" formError={problems.top}>
      <SchemeEditingContext.Provider value={editing}>
        <form ref={formRef} onSubmit={(e) => routing.save(e, name, body)} noValidate>
          <fieldset class="plain-fieldset" disabled={readOnly || routing.busy}>
            <div class="form-grid">
              <Field id="scheme-name" label={t('routing.name')} hint={scheme ? undefined : t('routing.nameHint')} error={problems.name}>
                {(aria) => <input {...aria} name="name" autoComplete="off" readOnly={!!scheme} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
              </Field>
              <Field id="scheme-description" label={t('routing.description')} error={problems.description}>
                {(aria) => <input {...aria} name="description" autoComplete="off" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />}
              </Field>
              <Field id="scheme-record" label={t('scheme.record')} hint={t('scheme.recordHint')} error={problems.record}>
                {(aria) => (
                  <select {...aria} name="record" value={record} onChange={(e) => setRecord((e.currentTarget as HTMLSelectElement).value as RecordMode | '')}>
                    <option value="">{t('scheme.recordDefault')}</option>
                    {recordModes.map((m) => (
                      <option key={m} value={m}>
                        {t(`scheme.record.${m}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <h3>{t('scheme.steps')}</h3>
            <p class="muted small">{t('scheme.stepsHint')}</p>
            <StepList steps={steps} onChange={setSteps} path="steps" label={t('scheme.steps')} />
          </fieldset>
          <EditorActions routing={routing} />
        </form>
      </SchemeEditingContext.Provider>
    </EditorPanel>
  );
}
