import { getCallerCard } from '../../api/contacts';
import type { ContactPhone, Task } from '../../api/crmTypes';
import { useResource } from '../../api/useResource';
import { useI18n } from '../../i18n/i18n';
import { LoadedPanel } from '../LoadedPanel';
import { TaskTable } from './TaskTable';
import type { UserDirectory } from './useUserDirectory';

/** The open call-back task of each number (the caller card's; the task list has no filter by number or contact). */
async function openTasksOf(phones: ContactPhone[], signal: AbortSignal): Promise<Task[]> {
  const cards = await Promise.all(phones.map((p) => getCallerCard(p.number, undefined, signal)));
  const byId = new Map<number, Task>();
  for (const card of cards) if (card.open_task) byId.set(card.open_task.id, card.open_task);
  return [...byId.values()];
}

/** Who must call this contact back, and by when. */
export function ContactTasks({ phones, users }: { phones: ContactPhone[]; users: UserDirectory }) {
  const { t } = useI18n();
  const key = phones.map((p) => p.number).join(',');
  const tasks = useResource((signal) => openTasksOf(phones, signal), [key]);
  return (
    <LoadedPanel id="contact-tasks" title={t('contacts.tasks')} list={tasks} empty={t('contacts.noTasks')}>
      {(items) => <TaskTable tasks={items} nameOf={users.nameOf} onChanged={tasks.reload} />}
    </LoadedPanel>
  );
}
