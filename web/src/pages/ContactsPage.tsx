import { useEffect, useState } from 'preact/hooks';
import { listContacts } from '../api/contacts';
import { atLeast } from '../api/types';
import { useResource } from '../api/useResource';
import { ContactForm } from '../components/crm/ContactForm';
import { ContactImport } from '../components/crm/ContactImport';
import { useUserDirectory } from '../components/crm/useUserDirectory';
import { DataTable } from '../components/DataTable';
import { ErrorNotice } from '../components/ErrorNotice';
import { OffsetPager } from '../components/Pager';
import { TextField } from '../components/TextField';
import { formatCallTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { contactPath } from '../router';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

const kPageSize = 50;
const kSearchPauseMs = 300;

/** Contacts: search by name or number, page through them, add one (then its own page opens); heads and admins import a CSV file. */
export function ContactsPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const mayImport = atLeast(user.role, 'head');
  const [importing, setImporting] = useState(false);
  usePageTitle(t('contacts.title'));
  const users = useUserDirectory();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [adding, setAdding] = useState(false);
  const search = (text: string) => {
    setQ(text.trim());
    setOffset(0);
  };
  // Searches as one types, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => search(typed), kSearchPauseMs);
    return () => clearTimeout(timer);
  }, [typed]);
  const contacts = useResource((signal) => listContacts({ q, limit: kPageSize, offset }, signal), [q, offset]);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('contacts.title')}</h1>
        <div class="page-actions">
          {mayImport && !importing && (
            <button type="button" class="button-secondary" data-import-contacts onClick={() => setImporting(true)}>
              {t('contacts.import.open')}
            </button>
          )}
          {!adding && (
            <button type="button" class="button-primary" data-new-contact onClick={() => setAdding(true)}>
              {t('contacts.add')}
            </button>
          )}
        </div>
      </div>
      {importing && <ContactImport onImported={contacts.reload} onClose={() => setImporting(false)} />}
      {adding && <ContactForm contact={null} onSaved={(saved) => (location.hash = contactPath(saved.id))} onCancel={() => setAdding(false)} />}
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          search(typed);
        }}
      >
        <div class="field-wide">
          <TextField id="contacts-q" name="q" type="search" label={t('contacts.search')} hint={t('contacts.searchHint')} value={typed} onInput={setTyped} />
        </div>
      </form>
      {contacts.error ? <ErrorNotice error={contacts.error} onRetry={contacts.reload} /> : null}
      <div aria-busy={contacts.loading}>
        <DataTable
          name="contacts"
          caption={t('contacts.title')}
          columns={[{ head: t('contacts.name') }, { head: t('contacts.company') }, { head: t('contacts.phones') }, { head: t('contacts.owner') }, { head: t('contacts.updated') }]}
        >
          {(contacts.data?.items ?? []).map((c) => (
            <tr key={c.id} data-contact={c.id}>
              <td>
                <a href={contactPath(c.id)}>{c.name}</a>
              </td>
              <td>{c.company || t('common.none')}</td>
              <td>{c.phones.map((p) => p.number).join(', ') || t('common.none')}</td>
              <td>{c.owner ? users.nameOf(c.owner) : t('common.none')}</td>
              <td>
                <time dateTime={c.updated_at}>{formatCallTime(c.updated_at, locale)}</time>
              </td>
            </tr>
          ))}
        </DataTable>
        {contacts.loading && <p class="muted">{t('common.loading')}</p>}
        {!contacts.loading && contacts.data?.items.length === 0 && <p class="empty">{q ? t('contacts.noMatch') : t('contacts.empty')}</p>}
      </div>
      {contacts.data && <OffsetPager offset={offset} pageSize={kPageSize} total={contacts.data.total} onOffset={setOffset} />}
    </div>
  );
}
