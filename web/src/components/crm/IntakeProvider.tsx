import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n';
import { contactPath } from '../../router';
import { IntakeContext, type IntakePrefill } from './intakeContext';
import { IntakeForm } from './IntakeForm';
import type { IntakeResult } from './submitIntake';
import { useUserDirectory } from './useUserDirectory';

/** Gives the pages below it `useOpenIntake()`, and shows the intake form as a dialog over them. */
export function IntakeProvider({ children }: { children: ComponentChildren }) {
  const [prefill, setPrefill] = useState<IntakePrefill | null>(null);
  // A new key a time: a form opened again starts afresh.
  const [opened, setOpened] = useState(0);
  const open = (next: IntakePrefill) => {
    setPrefill(next);
    setOpened((n) => n + 1);
  };
  return (
    <IntakeContext.Provider value={open}>
      {children}
      {prefill && <IntakeDialog key={opened} prefill={prefill} onClose={() => setPrefill(null)} />}
    </IntakeContext.Provider>
  );
}

function IntakeDialog({ prefill, onClose }: { prefill: IntakePrefill; onClose: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [saved, setSaved] = useState<IntakeResult | null>(null);
  useLayoutEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} class="intake-dialog" aria-labelledby="intake-title" onClose={onClose} data-intake>
      <div class="panel-head">
        <h2 id="intake-title">{prefill.callId ? t('intake.titleDuringCall', { number: prefill.number ?? '' }) : t('intake.title')}</h2>
        <button type="button" class="button-secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {saved ? <IntakeSaved result={saved} onClose={onClose} /> : <IntakeForm prefill={prefill} onSaved={setSaved} onCancel={onClose} />}
    </dialog>
  );
}

function IntakeSaved({ result, onClose }: { result: IntakeResult; onClose: () => void }) {
  const { t } = useI18n();
  const { nameOf } = useUserDirectory();
  return (
    <div class="stack">
      <p class="notice notice-ok" role="status" data-intake-saved={result.task.id}>
        {t('intake.saved', { name: result.contact.name, assignee: nameOf(result.task.assignee) })}
      </p>
      <div class="form-actions">
        <a class="button-secondary button-like" href={contactPath(result.contact.id)} onClick={onClose}>
          {t('intake.openContact')}
        </a>
        <button type="button" class="button-primary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
