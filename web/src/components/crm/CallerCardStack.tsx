import { atLeast } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { useIncomingCalls } from '../../live/useIncomingCalls';
import { useSession } from '../../session';
import { CallerCardPopup } from './CallerCardPopup';
import { useUserDirectory } from './useUserDirectory';

/** The cards of the calls from outside ringing the user now (heads and admins: all of them), on every page. */
export function CallerCardStack() {
  const { t } = useI18n();
  const { user } = useSession();
  const users = useUserDirectory();
  const { calls, dismiss } = useIncomingCalls({ username: user.username, seesAllCalls: atLeast(user.role, 'head') });
  if (calls.length === 0) return null;
  return (
    <div class="caller-cards" role="region" aria-label={t('card.region')} aria-live="polite">
      {calls.map((call) => (
        <CallerCardPopup key={call.callId} call={call} users={users} onDismiss={() => dismiss(call.callId)} />
      ))}
    </div>
  );
}
