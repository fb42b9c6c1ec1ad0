import { useState } from 'preact/hooks';
import { groups } from '../api/routing';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { ErrorNotice } from '../components/ErrorNotice';
import { GroupEditor } from '../components/group/GroupEditor';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

type Editing = { mode: 'new' } | { mode: 'edit'; name: string } | null;

/** Groups of users that ring steps name as `group:NAME` (admin edits, head reads). */
export function GroupsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('groups.title'));
  const readOnly = user.role !== 'admin';
  const list = useResource((signal) => groups.list(signal), []);
  const users = useResource((signal) => listAllUsers(signal), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const items = list.data?.items ?? [];
  const current = editing?.mode === 'edit' ? items.find((g) => g.name === editing.name) ?? null : null;
  const nameOf = (username: string) => users.data?.find((u) => u.username === username)?.display_name || username;

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('groups.title')}</h1>
        {!readOnly && editing === null && (
          <button
            type="button"
            class="button-primary"
            data-new-group
            onClick={() => {
              setFlash(null);
              setEditing({ mode: 'new' });
            }}
          >
            {t('groups.add')}
          </button>
        )}
      </div>
      <p class="muted">{readOnly ? t('groups.readOnly') : t('groups.lead')}</p>
      {flash && (
        <p class="notice notice-ok" role="status">
          {flash}
        </p>
      )}
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {editing && (editing.mode === 'new' || current) && (
        <GroupEditor
          key={`${editing.mode === 'edit' ? editing.name : ''}#${list.data?.version ?? ''}#${generation}`}
          group={current}
          existing={items.map((g) => g.name)}
          users={users.data ?? null}
          readOnly={readOnly}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setFlash(t('groups.saved', { name }));
            setEditing({ mode: 'edit', name });
            list.reload();
          }}
          onDeleted={(name) => {
            setFlash(t('groups.deleted', { name }));
            setEditing(null);
            list.reload();
          }}
          onReload={list.reload}
        />
      )}
      <div class="table-wrap">
        <table class="data-table" data-table="groups">
          <caption class="visually-hidden">{t('groups.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('routing.name')}</th>
              <th scope="col">{t('routing.description')}</th>
              <th scope="col">{t('group.members')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((g) => (
              <tr key={g.name} data-group={g.name}>
                <td>{g.name}</td>
                <td>{g.description || t('common.none')}</td>
                <td>{(g.members ?? []).map(nameOf).join(', ') || t('common.none')}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button-secondary"
                    aria-label={`${readOnly ? t('common.open') : t('common.edit')}: ${g.name}`}
                    onClick={() => {
                      setFlash(null);
                      setEditing({ mode: 'edit', name: g.name });
                      setGeneration((n) => n + 1);
                    }}
                  >
                    {readOnly ? t('common.open') : t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && items.length === 0 && <p class="empty">{t('groups.empty')}</p>}
      </div>
    </div>
  );
}
