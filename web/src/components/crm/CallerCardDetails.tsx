import type { CallerCard } from '../../api/crmTypes';
import { formatCallTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n';
import { callPath, contactPath } from '../../router';
import { OutcomeBadge } from '../OutcomeBadge';
import { DueTime } from './DueTime';

/** What the caller card says: new caller or client, the contact, its deals, the open call-back task, the last calls. */
export function CallerCardDetails({ card, nameOf }: { card: CallerCard; nameOf: (username: string) => string }) {
  const { t, locale } = useI18n();
  const { contact } = card;
  return (
    <div class="caller-card-body">
      <p class="caller-kind">
        <span class={`badge ${card.primary ? 'badge-new-caller' : 'badge-client'}`} data-caller-kind={card.primary ? 'new' : 'client'}>
          {card.primary ? t('card.newCaller') : contact ? t('card.client') : t('card.calledBefore')}
        </span>
      </p>
      {contact && (
        <p class="caller-name">
          <a href={contactPath(contact.id)} data-card-contact={contact.id}>
            {contact.name}
          </a>
          {contact.company && <span class="muted"> · {contact.company}</span>}
        </p>
      )}
      {card.deals.length > 0 && (
        <section>
          <h3>{t('card.deals')}</h3>
          <ul class="plain-list card-list">
            {card.deals.map((deal) => (
              <li key={deal.id} data-card-deal={deal.id} class={deal.open ? undefined : 'muted'}>
                <span class="deal-title">{deal.title}</span>
                <span class="tag">{deal.stage}</span>
                {deal.owner && <span class="muted">{nameOf(deal.owner)}</span>}
                {!deal.open && <span class="muted">{t('deals.closed')}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {card.open_task && (
        <section data-card-task={card.open_task.id}>
          <h3>{t('card.openTask')}</h3>
          <p>
            {card.open_task.title} · {nameOf(card.open_task.assignee)}
          </p>
          <DueTime task={card.open_task} />
        </section>
      )}
      <section>
        <h3>{t('card.lastCalls')}</h3>
        {card.recent_calls.length === 0 ? (
          <p class="muted">{t('card.noCalls')}</p>
        ) : (
          <ul class="plain-list card-list">
            {card.recent_calls.map((call) => (
              <li key={call.id} data-card-call={call.id}>
                <a href={callPath(call.id)}>
                  <time dateTime={call.started_at}>{formatCallTime(call.started_at, locale)}</time>
                </a>
                <OutcomeBadge call={call} />
                {call.answered_by && <span class="muted">{nameOf(call.answered_by.split('@')[0])}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
