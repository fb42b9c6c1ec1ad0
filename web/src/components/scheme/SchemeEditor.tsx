import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { schemes, validName } from '../../api/routing';
import { recordModes, type RecordMode, type Scheme, type SchemeInput, type Step } from '../../api/routingTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { errorText } from '../ErrorNotice';
import { Field } from '../Field';
import { RoutingConflict } from '../RoutingConflict';
import { SchemeEditingContext, type SchemeChoices, type SchemeEditing, type StepError } from './schemeContext';
import { StepList } from './StepList';
import { fieldOf, stepErrorLocation } from './stepModel';

interface Problems {
  /** Shown above the form. */
  top: string | null;
  conflict: boolean;
  name?: string;
  description?: string;
  record?: string;
  /** By step path ("steps[1]", "steps[0].open[2]"). */
  steps: Map<string, StepError>;
}

const kNoProblems: Problems = { top: null, conflict: false, steps: new Map() };

/** One scheme as a form: name (new ones), description, recording, the steps. Save = PUT. */
export function SchemeEditor(props: {
  scheme: Scheme | null;
  existing: string[];
  readOnly: boolean;
  choices: SchemeChoices;
  onSaved: (name: string) => void;
  onDeleted: (name: string) => void;
  onClose: () => void;
  onReload: () => void;
}) {
  const { t } = useI18n();
  const { scheme, readOnly } = props;
  const [name, setName] = useState(scheme?.name ?? '');
  const [description, setDescription] = useState(scheme?.description ?? '');
  const [record, setRecord] = useState<RecordMode | ''>(scheme?.record ?? '');
  const [steps, setSteps] = useState<Step[]>(scheme?.steps ?? []);
  const [problems, setProblems] = useState<Problems>(kNoProblems);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const invalidJson = useRef(new Set<string>());
  const formRef = useRef<HTMLFormElement>(null);
  const titleId = 'scheme-editor-title';

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
    if (failure instanceof ApiError && failure.status === 409) {
      setProblems({ ...kNoProblems, conflict: true });
      return;
    }
    const next: Problems = { top: errorText(failure, t), conflict: false, steps: new Map() };
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

  const save = async (e: Event) => {
    e.preventDefault();
    const finalName = scheme?.name ?? name.trim();
    if (!scheme) {
      if (!validName(finalName)) return setProblems({ ...kNoProblems, name: t('routing.nameInvalid') });
      if (props.existing.includes(finalName)) return setProblems({ ...kNoProblems, name: t('routing.nameTaken', { name: finalName }) });
    }
    if (invalidJson.current.size > 0) return setProblems({ ...kNoProblems, top: t('scheme.fixJson') });
    const body: SchemeInput = { description: description.trim(), steps };
    if (record) body.record = record;
    setBusy(true);
    setProblems(kNoProblems);
    try {
      await schemes.put(finalName, body);
      props.onSaved(finalName);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!scheme) return;
    setBusy(true);
    try {
      await schemes.remove(scheme.name);
      props.onDeleted(scheme.name);
    } catch (failure) {
      setConfirmDelete(false);
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel form-panel scheme-editor" aria-labelledby={titleId} data-scheme-editor={scheme?.name ?? ''}>
      <div class="panel-head">
        <h2 id={titleId}>{scheme ? t(readOnly ? 'scheme.viewTitle' : 'scheme.editTitle', { name: scheme.name }) : t('scheme.newTitle')}</h2>
        <button type="button" class="button-secondary" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
      {problems.conflict && <RoutingConflict onReload={props.onReload} />}
      {problems.top && (
        <p class="notice notice-error" role="alert" data-form-error>
          {problems.top}
        </p>
      )}
      <SchemeEditingContext.Provider value={editing}>
        <form ref={formRef} onSubmit={save} noValidate>
          <fieldset class="plain-fieldset" disabled={readOnly || busy}>
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
          {!readOnly && (
            <div class="form-actions">
              <button type="submit" class="button-primary" disabled={busy} data-save-scheme>
                {busy ? t('common.saving') : t('common.save')}
              </button>
              <button type="button" class="button-secondary" onClick={props.onClose}>
                {t('common.cancel')}
              </button>
              {scheme &&
                (confirmDelete ? (
                  <span class="confirm" role="group" aria-label={t('scheme.confirmDelete', { name: scheme.name })}>
                    <span>{t('scheme.confirmDelete', { name: scheme.name })}</span>
                    <button type="button" class="button-danger" disabled={busy} onClick={remove}>
                      {t('users.confirmYes')}
                    </button>
                    <button type="button" class="button-secondary" onClick={() => setConfirmDelete(false)}>
                      {t('common.cancel')}
                    </button>
                  </span>
                ) : (
                  <button type="button" class="button-secondary push-right" onClick={() => setConfirmDelete(true)}>
                    {t('scheme.delete')}
                  </button>
                ))}
            </div>
          )}
        </form>
      </SchemeEditingContext.Provider>
    </section>
  );
}
