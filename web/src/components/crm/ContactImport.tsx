import { useState } from 'preact/hooks';
import { importContacts, kMaxImportBytes } from '../../api/contacts';
import type { ContactImportReport } from '../../api/crmTypes';
import { useI18n } from '../../i18n/i18n';
import { DataTable } from '../DataTable';
import { errorText } from '../ErrorNotice';
import { Field } from '../Field';
import { FormError } from '../FormError';

/**
 * Contacts from a CSV file (heads and admins): pick the file, check it — a dry run says what
 * would be created, updated and skipped, and why, by line — then import it.
 */
export function ContactImport({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  // The dry run of `file`; importing needs one.
  const [checked, setChecked] = useState<ContactImportReport | null>(null);
  const [done, setDone] = useState<ContactImportReport | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const tooLarge = file !== null && file.size > kMaxImportBytes;

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'import');
    setError(null);
    setDone(null);
    try {
      const report = await importContacts(file, dryRun);
      if (dryRun) {
        setChecked(report);
      } else {
        setChecked(null);
        setDone(report);
        onImported();
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const shown = done ?? checked;
  const titleId = 'contact-import-title';
  return (
    <section class="panel form-panel" aria-labelledby={titleId} data-contact-import>
      <h2 id={titleId}>{t('contacts.import.title')}</h2>
      <p class="muted">{t('contacts.import.lead')}</p>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <Field id="contact-import-file" label={t('contacts.import.file')} hint={t('contacts.import.fileHint')} error={tooLarge ? t('contacts.import.tooLarge') : undefined}>
          {(aria) => (
            <input
              {...aria}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setChecked(null);
                setDone(null);
                setError(null);
              }}
            />
          )}
        </Field>
        <FormError text={error ? errorText(error, t) : null} />
        <div class="form-actions">
          <button type="submit" class="button-secondary" disabled={!file || tooLarge || busy !== null} data-import-check>
            {busy === 'check' ? t('contacts.import.checking') : t('contacts.import.check')}
          </button>
          <button type="button" class="button-primary" disabled={!checked || checked.created + checked.updated === 0 || busy !== null} onClick={() => void run(false)} data-import-run>
            {busy === 'import' ? t('contacts.import.importing') : t('contacts.import.run')}
          </button>
          <button type="button" class="button-secondary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </form>
      {shown && <ImportReport report={shown} />}
    </section>
  );
}

function ImportReport({ report }: { report: ContactImportReport }) {
  const { t } = useI18n();
  const counts = { created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped };
  const unlisted = report.skipped - report.errors.length;
  return (
    <div class="import-report" data-import-report={report.dry_run ? 'dry-run' : 'done'}>
      <p class={report.dry_run ? 'notice' : 'notice notice-ok'} role="status">
        {t(report.dry_run ? 'contacts.import.wouldDo' : 'contacts.import.didDo', counts)}
      </p>
      {report.warnings.map((warning) => (
        <p key={warning} class="notice" data-import-warning>
          {warning}
        </p>
      ))}
      {report.errors.length > 0 && (
        <DataTable name="import-errors" caption={t('contacts.import.errors')} columns={[{ head: t('contacts.import.line'), class: 'num' }, { head: t('contacts.import.problem') }]}>
          {report.errors.map((e) => (
            <tr key={e.line} data-import-error={e.line}>
              <td class="num">{e.line}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {unlisted > 0 && <p class="muted">{t('contacts.import.moreErrors', { n: unlisted })}</p>}
    </div>
  );
}
