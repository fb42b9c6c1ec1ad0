import { useLayoutEffect, useRef } from 'preact/hooks';
import { getCallerCard } from '../../api/contacts';
import { useResource } from '../../api/useResource';
import { useI18n } from '../../i18n/i18n';
import type { IncomingCall } from '../../live/incomingCalls';
import { ErrorNotice } from '../ErrorNotice';
import { CallerCardDetails } from './CallerCardDetails';
import { useOpenIntake } from './intakeContext';
import type { UserDirectory } from './useUserDirectory';

/**
 * The card of one incoming call, read when its event came. `data-card-ms`: milliseconds from the
 * event reaching the page to the card's details being in the page; `data-invite-ms`: from Dzvin
 * taking the call's INVITE to the same moment (server and browser clocks: meaningful where they
 * agree, as on one machine).
 */
export function CallerCardPopup({ call, users, onDismiss }: { call: IncomingCall; users: UserDirectory; onDismiss: () => void }) {
  const { t } = useI18n();
  const openIntake = useOpenIntake();
  const card = useResource((signal) => getCallerCard(call.number, call.callId, signal), [call.number, call.callId]);
  const root = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    if (card.data && root.current && !root.current.dataset.cardMs) {
      root.current.dataset.cardMs = String(Math.round(performance.now() - call.arrivedAt));
      if (call.startedMs > 0) root.current.dataset.inviteMs = String(Date.now() - call.startedMs);
    }
  }, [card.data]);
  const contact = card.data?.contact;
  const titleId = `caller-card-${call.callId}`;
  return (
    <section ref={root} class="caller-card" aria-labelledby={titleId} data-caller-card={call.callId} data-card-state={card.data ? 'ready' : card.error ? 'error' : 'loading'}>
      <div class="caller-card-head">
        <h2 id={titleId}>
          <span class="pulse" aria-hidden="true" />
          {t('card.incoming', { number: call.number })}
        </h2>
        <button type="button" class="icon-button" aria-label={t('card.dismiss')} onClick={onDismiss} data-dismiss-card>
          ×
        </button>
      </div>
      {card.error ? <ErrorNotice error={card.error} onRetry={card.reload} /> : null}
      {card.data ? <CallerCardDetails card={card.data} nameOf={users.nameOf} /> : !card.error && <p class="muted">{t('common.loading')}</p>}
      <div class="form-actions">
        <button
          type="button"
          class="button-primary"
          data-card-intake
          onClick={() => openIntake({ number: card.data?.number ?? call.number, name: contact?.name, company: contact?.company, callId: call.callId })}
        >
          {t('intake.open')}
        </button>
      </div>
    </section>
  );
}
