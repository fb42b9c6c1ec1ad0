import { useI18n } from '../i18n/i18n';

/** A 409 from a routing change: someone else changed routing meanwhile. */
export function RoutingConflict({ onReload }: { onReload: () => void }) {
  const { t } = useI18n();
  return (
    <div class="notice notice-error" role="alert" data-conflict>
      <span>{t('routing.conflict')}</span>
      <button type="button" class="button-link" onClick={onReload}>
        {t('routing.reload')}
      </button>
    </div>
  );
}
