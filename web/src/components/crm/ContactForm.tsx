import { useState } from 'preact/hooks';
import { contactInputOf, createContact, updateContact } from '../../api/contacts';
import type { Contact, ContactInput } from '../../api/crmTypes';
import { useI18n } from '../../i18n/i18n';
import { FormActions } from '../FormActions';
import { FormError } from '../FormError';
import { TextField } from '../TextField';
import { useFieldProblem } from '../useFieldProblem';
import { PhoneListField } from './PhoneListField';
import { UserPicker } from './UserPicker';
import { useUserDirectory } from './useUserDirectory';

const kEmpty: ContactInput = { name: '', company: '', owner: '', email: '', notes: '', phones: [{ number: '', label: '' }] };

/** "phones[1].label" → "phones[1]"; the other fields of a contact by their own names. */
function contactFieldOf(field: string | undefined): string {
  const phone = /^phones\[(\d+)\]/.exec(field ?? '');
  if (phone) return `phones[${phone[1]}]`;
  return field && ['name', 'company', 'owner', 'email', 'notes'].includes(field) ? field : '';
}

/** A new contact (`contact` null) or a change of one: name, company, owner, e-mail, numbers, notes. */
export function ContactForm({ contact, onSaved, onCancel }: { contact: Contact | null; onSaved: (saved: Contact) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const users = useUserDirectory();
  const [input, setInput] = useState<ContactInput>(contact ? contactInputOf(contact) : kEmpty);
  const [busy, setBusy] = useState(false);
  const problems = useFieldProblem(contactFieldOf);
  const set = (key: Exclude<keyof ContactInput, 'phones'>) => (value: string) => setInput({ ...input, [key]: value });
  const text = (key: Exclude<keyof ContactInput, 'phones'>) => ({ id: `contact-${key}`, name: key, value: input[key], onInput: set(key), error: problems.at(key) });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    problems.clear();
    // Rows left empty are no numbers: gone from the form too, so that the API's "phones[1]" is the second row shown.
    const body = { ...input, phones: input.phones.filter((p) => p.number.trim() !== '') };
    setInput(body);
    try {
      onSaved(contact ? await updateContact(contact.id, body) : await createContact(body));
    } catch (failure) {
      problems.show(failure);
      setBusy(false);
    }
  };

  const titleId = 'contact-form-title';
  return (
    <section class="panel form-panel" aria-labelledby={titleId} data-contact-form={contact?.id ?? 'new'}>
      <h2 id={titleId}>{contact ? t('contacts.editTitle', { name: contact.name }) : t('contacts.addTitle')}</h2>
      <form class="form-grid" onSubmit={submit}>
        <TextField {...text('name')} label={t('contacts.name')} required />
        <TextField {...text('company')} label={t('contacts.company')} />
        <UserPicker id="contact-owner" label={t('contacts.owner')} value={input.owner} users={users} noneLabel={t('contacts.noOwner')} onChange={set('owner')} error={problems.at('owner')} />
        <TextField {...text('email')} label={t('contacts.email')} type="email" />
        <div class="form-wide">
          <PhoneListField phones={input.phones} onChange={(phones) => setInput({ ...input, phones })} errorAt={(i) => problems.at(`phones[${i}]`)} />
        </div>
        <div class="form-wide">
          <TextField {...text('notes')} label={t('contacts.notes')} multiline />
        </div>
        <FormError text={problems.formError} />
        <FormActions busy={busy} onCancel={onCancel} testId="contact" />
      </form>
    </section>
  );
}
