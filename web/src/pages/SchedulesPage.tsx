import { schedules } from '../api/routing';
import { ScheduleEditor } from '../components/schedule/ScheduleEditor';
import { weeklySummary } from '../components/schedule/scheduleModel';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { NamedSectionPage } from './NamedSectionPage';
import { useNamedSection } from './useNamedSection';

/** Working hours that `when` steps ask (admin edits, head reads). */
export function SchedulesPage() {
  const { t } = useI18n();
  const section = useNamedSection('schedules', schedules);
  const dayName = (i: number) => t(`weekday.${i}` as MessageKey);

  return (
    <NamedSectionPage
      section={section}
      columns={[
        { head: t('schedule.timeZone'), cell: (s) => s.time_zone },
        { head: t('schedule.weekly'), cell: (s) => weeklySummary(s.weekly, dayName) || t('schedule.alwaysClosed') },
        { head: t('schedule.holidays'), cell: (s) => s.holidays?.length ?? 0, class: 'num' },
      ]}
      editor={(current, editorProps) => <ScheduleEditor schedule={current} {...editorProps} />}
    />
  );
}
