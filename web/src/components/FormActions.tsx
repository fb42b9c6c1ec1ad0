import { useI18n } from '../i18n/i18n';

/** A form's save (busy while it runs) and cancel buttons; `testId` marks the save button `data-save-<testId>`. */
export function FormActions({ busy, onCancel, testId, saveLabel }: { busy: boolean; onCancel: () => void; testId?: string; saveLabel?: string }) {
  const { t } = useI18n();
  return (
    <div class="form-actions">
      <button type="submit" class="button-primary" disabled={busy} {...(testId ? { [`data-save-${testId}`]: true } : {})}>
        {busy ? t('common.saving') : (saveLabel ?? t('common.save'))}
      </button>
      <button type="button" class="button-secondary" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
