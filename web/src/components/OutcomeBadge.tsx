import { outcomeDetail, outcomeKind } from '../api/calls';
import { outcomes, type Call } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';

export function OutcomeBadge({ call }: { call: Pick<Call, 'outcome'> }) {
  const { t } = useI18n();
  const kind = outcomeKind(call);
  const detail = outcomeDetail(call);
  const known = kind !== null && outcomes.includes(kind);
  const label = kind === null ? t('outcome.inProgress') : known ? t(`outcome.${kind}` as MessageKey) : call.outcome;
  return (
    <span class={`badge badge-${kind ?? 'live'}`} title={detail || undefined} data-outcome={kind ?? 'in_progress'}>
      {label}
    </span>
  );
}
