import { groups } from '../api/routing';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { GroupEditor } from '../components/group/GroupEditor';
import { useI18n } from '../i18n/i18n';
import { NamedSectionPage } from './NamedSectionPage';
import { useNamedSection } from './useNamedSection';

/** Groups of users that ring steps name as `group:NAME` (admin edits, head reads). */
export function GroupsPage() {
  const { t } = useI18n();
  const section = useNamedSection('groups', groups);
  const users = useResource((signal) => listAllUsers(signal), []);
  const nameOf = (username: string) => users.data?.find((u) => u.username === username)?.display_name || username;

  return (
    <NamedSectionPage
      section={section}
      columns={[
        { head: t('routing.description'), cell: (g) => g.description || t('common.none') },
        { head: t('group.members'), cell: (g) => (g.members ?? []).map(nameOf).join(', ') || t('common.none') },
      ]}
      editor={(current, editorProps) => <GroupEditor group={current} users={users.data ?? null} {...editorProps} />}
    />
  );
}
