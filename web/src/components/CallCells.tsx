import { answeredByUser } from '../api/calls';
import type { Call } from '../api/types';
import { formatDuration } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { OutcomeBadge } from './OutcomeBadge';

/** The cells every call table has after the time: from, to, answered by, talk time, result. */
export function CallCells({ call }: { call: Call }) {
  const { t } = useI18n();
  return (
    <>
      <td>{call.caller}</td>
      <td>{call.called}</td>
      <td>{answeredByUser(call) ?? t('common.none')}</td>
      <td class="num">{call.answered_at ? formatDuration(call.talk_ms) : t('common.none')}</td>
      <td>
        <OutcomeBadge call={call} />
      </td>
    </>
  );
}
