import { useState } from 'preact/hooks';
import { updateDeal } from '../../api/contacts';
import type { Deal } from '../../api/crmTypes';
import { atLeast } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable } from '../DataTable';
import { ErrorNotice } from '../ErrorNotice';
import { DealForm } from './DealForm';
import type { UserDirectory } from './useUserDirectory';

/** A contact's deals, open first: new, change, close or reopen (managers and up; the others read). */
export function DealsSection({ contactId, deals, users, onChanged }: { contactId: number; deals: Deal[]; users: UserDirectory; onChanged: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const mayEdit = atLeast(user.role, 'manager');
  // null: no form; 'new', or the deal being changed.
  const [editing, setEditing] = useState<Deal | 'new' | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const saved = () => {
    setEditing(null);
    onChanged();
  };
  const setOpen = async (deal: Deal, open: boolean) => {
    setFailure(null);
    try {
      await updateDeal(deal.id, { contact_id: deal.contact_id, title: deal.title, stage: deal.stage, owner: deal.owner, open });
      onChanged();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section class="panel" aria-labelledby="deals-heading">
      <div class="panel-head">
        <h2 id="deals-heading">{t('deals.heading')}</h2>
        {mayEdit && editing === null && (
          <button type="button" class="button-secondary" data-new-deal onClick={() => setEditing('new')}>
            {t('deals.add')}
          </button>
        )}
      </div>
      {editing !== null && <DealForm key={editing === 'new' ? 'new' : editing.id} contactId={contactId} deal={editing === 'new' ? null : editing} users={users} onSaved={saved} onCancel={() => setEditing(null)} />}
      {failure ? <ErrorNotice error={failure} /> : null}
      {deals.length === 0 ? (
        <p class="muted">{t('deals.empty')}</p>
      ) : (
        <DataTable
          name="deals"
          columns={[{ head: t('deals.title') }, { head: t('deals.stage') }, { head: t('deals.owner') }, { head: t('tasks.stateColumn') }, mayEdit && { head: t('users.actions') }]}
        >
          {deals.map((deal) => (
            <tr key={deal.id} data-deal={deal.id} data-open={deal.open ? 'yes' : 'no'}>
              <td>{deal.title}</td>
              <td>
                <span class="tag">{deal.stage}</span>
              </td>
              <td>{deal.owner ? users.nameOf(deal.owner) : t('common.none')}</td>
              <td>
                <span class={deal.open ? 'badge badge-live' : 'badge'}>{deal.open ? t('deals.isOpen') : t('deals.closed')}</span>
              </td>
              {mayEdit && (
                <td class="row-actions">
                  <button type="button" class="button-secondary" data-edit-deal onClick={() => setEditing(deal)}>
                    {t('common.edit')}
                  </button>
                  <button type="button" class="button-secondary" data-toggle-deal={deal.open ? 'close' : 'reopen'} onClick={() => setOpen(deal, !deal.open)}>
                    {deal.open ? t('deals.close') : t('deals.reopen')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
