import { ApiError, kNetworkError } from '../api/client';
import { useI18n, type Translate } from '../i18n/i18n';

/** A failure as a person reads it: our words for the common cases, the API's message otherwise. */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.code === kNetworkError) return t('error.network');
    if (error.status === 403 && error.code === 'forbidden') return t('error.forbidden');
    if (error.status === 401) return t('error.sessionEnded');
    return error.message;
  }
  return t('error.generic', { message: String(error) });
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div class="notice notice-error" role="alert">
      <span>{errorText(error, t)}</span>
      {onRetry && (
        <button type="button" class="button-link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
