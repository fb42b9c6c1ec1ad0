import { useI18n } from '../../i18n/i18n';
import type { RoutingSave } from './useRoutingSave';

/** Save, cancel, and (for a saved item) delete after a confirmation; nothing when read only. */
export function EditorActions({ routing }: { routing: RoutingSave<unknown> }) {
  const { t } = useI18n();
  const { kind, savedName, editor, busy, confirmDelete, setConfirmDelete } = routing;
  if (editor.readOnly) return null;
  return (
    <div class="form-actions">
      <button type="submit" class="button-primary" disabled={busy} {...{ [`data-save-${kind}`]: true }}>
        {busy ? t('common.saving') : t('common.save')}
      </button>
      <button type="button" class="button-secondary" onClick={editor.onClose}>
        {t('common.cancel')}
      </button>
      {savedName !== null &&
        (confirmDelete ? (
          <span class="confirm" role="group" aria-label={t(`${kind}.confirmDelete`, { name: savedName })}>
            <span>{t(`${kind}.confirmDelete`, { name: savedName })}</span>
            <button type="button" class="button-danger" disabled={busy} onClick={routing.remove}>
              {t('users.confirmYes')}
            </button>
            <button type="button" class="button-secondary" onClick={() => setConfirmDelete(false)}>
              {t('common.cancel')}
            </button>
          </span>
        ) : (
          <button type="button" class="button-secondary push-right" onClick={() => setConfirmDelete(true)}>
            {t(`${kind}.delete`)}
          </button>
        ))}
    </div>
  );
}
