import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { tasksChanged } from '../../live/myOpenTasks';
import { FormActions } from '../FormActions';
import { FormError } from '../FormError';
import { TextField } from '../TextField';
import { useFieldProblem } from '../useFieldProblem';
import type { IntakePrefill } from './intakeContext';
import { intakeFieldOf, submitIntake, type IntakeFields, type IntakeResult } from './submitIntake';
import { UserPicker } from './UserPicker';
import { useUserDirectory } from './useUserDirectory';

/** The usual categories, offered as suggestions (any other text is taken too). */
const kCategories: MessageKey[] = ['intake.category.order', 'intake.category.price', 'intake.category.support', 'intake.category.invoice', 'intake.category.complaint'];

/** A caller's question taken down for a manager: the contact (made or updated) and a task. */
export function IntakeForm({ prefill, onSaved, onCancel }: { prefill: IntakePrefill; onSaved: (result: IntakeResult) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const users = useUserDirectory();
  const [fields, setFields] = useState<IntakeFields>({
    phone: prefill.number ?? '',
    name: prefill.name ?? '',
    company: prefill.company ?? '',
    question: '',
    category: '',
    assignee: '',
  });
  const [busy, setBusy] = useState(false);
  const problems = useFieldProblem(intakeFieldOf);
  const set = (key: keyof IntakeFields) => (value: string) => setFields({ ...fields, [key]: value });
  const text = (key: keyof IntakeFields) => ({ id: `intake-${key}`, name: key, value: fields[key], onInput: set(key), error: problems.at(key) });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    problems.clear();
    try {
      const result = await submitIntake(fields, prefill.callId, t('intake.category'));
      tasksChanged();
      onSaved(result);
    } catch (failure) {
      problems.show(failure);
      setBusy(false);
    }
  };

  return (
    <form class="form-grid intake-form" onSubmit={submit} data-intake-form>
      <TextField {...text('phone')} label={t('intake.phone')} type="tel" required placeholder="+380…" />
      <TextField {...text('name')} label={t('contacts.name')} required />
      <TextField {...text('company')} label={t('contacts.company')} />
      <UserPicker id="intake-assignee" label={t('intake.assignee')} value={fields.assignee} users={users} onChange={set('assignee')} error={problems.at('assignee')} />
      <div class="form-wide">
        <TextField {...text('question')} label={t('intake.question')} hint={t('intake.questionHint')} multiline required />
      </div>
      <TextField {...text('category')} label={t('intake.category')} hint={t('intake.categoryHint')} list="intake-categories" />
      <datalist id="intake-categories">
        {kCategories.map((key) => (
          <option key={key} value={t(key)} />
        ))}
      </datalist>
      <FormError text={problems.formError} />
      <FormActions busy={busy} onCancel={onCancel} testId="intake" saveLabel={t('intake.submit')} />
    </form>
  );
}
