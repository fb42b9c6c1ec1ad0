import { useState } from 'preact/hooks';
import { schedules } from '../api/routing';
import { useResource } from '../api/useResource';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScheduleEditor } from '../components/schedule/ScheduleEditor';
import { weeklySummary } from '../components/schedule/scheduleModel';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

type Editing = { mode: 'new' } | { mode: 'edit'; name: string } | null;

/** Working hours that `when` steps ask (admin edits, head reads). */
export function SchedulesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('schedules.title'));
  const readOnly = user.role !== 'admin';
  const list = useResource((signal) => schedules.list(signal), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const items = list.data?.items ?? [];
  const current = editing?.mode === 'edit' ? items.find((s) => s.name === editing.name) ?? null : null;
  const dayName = (i: number) => t(`weekday.${i}` as MessageKey);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('schedules.title')}</h1>
        {!readOnly && editing === null && (
          <button
            type="button"
            class="button-primary"
            data-new-schedule
            onClick={() => {
              setFlash(null);
              setEditing({ mode: 'new' });
            }}
          >
            {t('schedules.add')}
          </button>
        )}
      </div>
      <p class="muted">{readOnly ? t('schedules.readOnly') : t('schedules.lead')}</p>
      {flash && (
        <p class="notice notice-ok" role="status">
          {flash}
        </p>
      )}
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {editing && (editing.mode === 'new' || current) && (
        <ScheduleEditor
          key={`${editing.mode === 'edit' ? editing.name : ''}#${list.data?.version ?? ''}#${generation}`}
          schedule={current}
          existing={items.map((s) => s.name)}
          readOnly={readOnly}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setFlash(t('schedules.saved', { name }));
            setEditing({ mode: 'edit', name });
            list.reload();
          }}
          onDeleted={(name) => {
            setFlash(t('schedules.deleted', { name }));
            setEditing(null);
            list.reload();
          }}
          onReload={list.reload}
        />
      )}
      <div class="table-wrap">
        <table class="data-table" data-table="schedules">
          <caption class="visually-hidden">{t('schedules.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('routing.name')}</th>
              <th scope="col">{t('schedule.timeZone')}</th>
              <th scope="col">{t('schedule.weekly')}</th>
              <th scope="col" class="num">{t('schedule.holidays')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.name} data-schedule={s.name}>
                <td>{s.name}</td>
                <td>{s.time_zone}</td>
                <td>{weeklySummary(s.weekly, dayName) || t('schedule.alwaysClosed')}</td>
                <td class="num">{s.holidays?.length ?? 0}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button-secondary"
                    aria-label={`${readOnly ? t('common.open') : t('common.edit')}: ${s.name}`}
                    onClick={() => {
                      setFlash(null);
                      setEditing({ mode: 'edit', name: s.name });
                      setGeneration((g) => g + 1);
                    }}
                  >
                    {readOnly ? t('common.open') : t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && items.length === 0 && <p class="empty">{t('schedules.empty')}</p>}
      </div>
    </div>
  );
}
