import type { Call } from '../api/types';
import { formatCallTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { callPath } from '../router';
import { CallCells } from './CallCells';
import { DataTable } from './DataTable';

/** Finished calls, newest first, each linking to its page: the dashboard's recent calls, a contact's calls. */
export function CallTable({ calls, table }: { calls: Call[]; table: string }) {
  const { t, locale } = useI18n();
  const columns = [
    { head: t('calls.time') },
    { head: t('calls.caller') },
    { head: t('calls.called') },
    { head: t('calls.answeredBy') },
    { head: t('calls.talk'), class: 'num' },
    { head: t('calls.result') },
  ];
  return (
    <DataTable name={table} columns={columns}>
      {calls.map((call) => (
        <tr key={call.id} data-call-id={call.id}>
          <td>
            <a href={callPath(call.id)}>
              <time dateTime={call.started_at}>{formatCallTime(call.started_at, locale)}</time>
            </a>
          </td>
          <CallCells call={call} />
        </tr>
      ))}
    </DataTable>
  );
}
