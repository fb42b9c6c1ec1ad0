import { useState } from 'preact/hooks';
import { createDeal, updateDeal } from '../../api/contacts';
import type { Deal, DealInput } from '../../api/crmTypes';
import { useI18n } from '../../i18n/i18n';
import { FormActions } from '../FormActions';
import { FormError } from '../FormError';
import { TextField } from '../TextField';
import { useFieldProblem } from '../useFieldProblem';
import { UserPicker } from './UserPicker';
import type { UserDirectory } from './useUserDirectory';

/** Stages people usually use; the stage is free text. */
const kStages = ['new', 'proposal', 'negotiation', 'won', 'lost'];

function dealFieldOf(field: string | undefined): string {
  return field && ['title', 'stage', 'owner', 'open'].includes(field) ? field : '';
}

/** A new deal of a contact (`deal` null) or a change of one: title, stage, owner, open. */
export function DealForm(props: { contactId: number; deal: Deal | null; users: UserDirectory; onSaved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { deal } = props;
  const [input, setInput] = useState<DealInput>({
    contact_id: props.contactId,
    title: deal?.title ?? '',
    stage: deal?.stage ?? 'new',
    owner: deal?.owner ?? '',
    open: deal?.open ?? true,
  });
  const [busy, setBusy] = useState(false);
  const problems = useFieldProblem(dealFieldOf);
  const set = (key: 'title' | 'stage' | 'owner') => (value: string) => setInput({ ...input, [key]: value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    problems.clear();
    try {
      await (deal ? updateDeal(deal.id, input) : createDeal(input));
      props.onSaved();
    } catch (failure) {
      problems.show(failure);
      setBusy(false);
    }
  };

  return (
    <form class="form-grid deal-form" onSubmit={submit} data-deal-form={deal?.id ?? 'new'} aria-label={deal ? t('deals.editTitle', { title: deal.title }) : t('deals.addTitle')}>
      <TextField id="deal-title" name="title" label={t('deals.title')} value={input.title} onInput={set('title')} error={problems.at('title')} required />
      <TextField id="deal-stage" name="stage" label={t('deals.stage')} hint={t('deals.stageHint')} value={input.stage} onInput={set('stage')} error={problems.at('stage')} list="deal-stages" />
      <datalist id="deal-stages">
        {kStages.map((stage) => (
          <option key={stage} value={stage} />
        ))}
      </datalist>
      <UserPicker id="deal-owner" label={t('deals.owner')} value={input.owner} users={props.users} noneLabel={t('contacts.noOwner')} onChange={set('owner')} error={problems.at('owner')} />
      <label class="checkbox deal-open">
        <input type="checkbox" name="open" checked={input.open} onChange={(e) => setInput({ ...input, open: (e.currentTarget as HTMLInputElement).checked })} />
        {t('deals.open')}
      </label>
      <FormError text={problems.formError} />
      <FormActions busy={busy} onCancel={props.onCancel} testId="deal" />
    </form>
  );
}
