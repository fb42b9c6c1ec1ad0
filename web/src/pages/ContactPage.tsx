import { useState } from 'preact/hooks';
import { getContact } from '../api/contacts';
import type { ContactWithDeals } from '../api/crmTypes';
import { useResource } from '../api/useResource';
import { CallButton } from '../components/crm/CallButton';
import { ContactCalls } from '../components/crm/ContactCalls';
import { ContactForm } from '../components/crm/ContactForm';
import { ContactTasks } from '../components/crm/ContactTasks';
import { DealsSection } from '../components/crm/DealsSection';
import { useUserDirectory, type UserDirectory } from '../components/crm/useUserDirectory';
import { ErrorNotice } from '../components/ErrorNotice';
import { useI18n } from '../i18n/i18n';
import { routePaths } from '../router';
import { usePageTitle } from './usePageTitle';

/** One contact (#/contacts/ID): its details (changeable), deals, calls and open call-back tasks. */
export function ContactPage({ id }: { id: string }) {
  const { t } = useI18n();
  const contact = useResource((signal) => getContact(Number(id), signal), [id]);
  const users = useUserDirectory();
  const [editing, setEditing] = useState(false);
  usePageTitle(contact.data?.name ?? t('contacts.title'));
  const c = contact.data;
  return (
    <div class="page" data-contact-page={id}>
      <div class="page-head">
        <h1>{c ? c.name : t('contacts.title')}</h1>
        <a href={routePaths.contacts}>{t('contacts.all')}</a>
      </div>
      {contact.error ? <ErrorNotice error={contact.error} onRetry={contact.reload} /> : null}
      {!c && !contact.error && <p class="muted">{t('common.loading')}</p>}
      {c && (
        <div class="stack">
          {editing ? (
            <ContactForm
              contact={c}
              onSaved={() => {
                setEditing(false);
                contact.reload();
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <ContactDetails contact={c} users={users} onEdit={() => setEditing(true)} />
          )}
          <DealsSection contactId={c.id} deals={c.deals} users={users} onChanged={contact.reload} />
          <ContactTasks phones={c.phones} users={users} />
          <ContactCalls phones={c.phones} />
        </div>
      )}
    </div>
  );
}

function ContactDetails({ contact, users, onEdit }: { contact: ContactWithDeals; users: UserDirectory; onEdit: () => void }) {
  const { t } = useI18n();
  return (
    <section class="panel" aria-labelledby="contact-details-heading">
      <div class="panel-head">
        <h2 id="contact-details-heading">{t('contacts.details')}</h2>
        <button type="button" class="button-secondary" data-edit-contact onClick={onEdit}>
          {t('common.edit')}
        </button>
      </div>
      <dl class="call-summary contact-details">
        <dt>{t('contacts.company')}</dt>
        <dd>{contact.company || t('common.none')}</dd>
        <dt>{t('contacts.phones')}</dt>
        <dd>
          <ul class="plain-list">
            {contact.phones.map((p) => (
              <li key={p.number} data-contact-phone={p.number}>
                <a href={`tel:${p.number}`}>{p.number}</a>
                {p.label && <span class="tag">{p.label}</span>}
                <CallButton number={p.number} />
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('contacts.owner')}</dt>
        <dd>{contact.owner ? users.nameOf(contact.owner) : t('common.none')}</dd>
        <dt>{t('contacts.email')}</dt>
        <dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : t('common.none')}</dd>
        <dt>{t('contacts.notes')}</dt>
        <dd class="notes">{contact.notes || t('common.none')}</dd>
      </dl>
    </section>
  );
}
