import type { ContactPhone } from '../../api/crmTypes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Field } from '../Field';

/** A contact may have up to 10 numbers (docs/crm.md). */
export const kMaxPhones = 10;

const kLabels: MessageKey[] = ['phones.label.mobile', 'phones.label.work', 'phones.label.home'];

/** A contact's numbers with their labels: add, change, remove; the API's error at the number it names (`errorAt(i)`). */
export function PhoneListField({ phones, onChange, errorAt }: { phones: ContactPhone[]; onChange: (phones: ContactPhone[]) => void; errorAt: (index: number) => string | undefined }) {
  const { t } = useI18n();
  const change = (index: number, part: Partial<ContactPhone>) => onChange(phones.map((p, i) => (i === index ? { ...p, ...part } : p)));
  return (
    <fieldset class="plain-fieldset phone-list" data-phones>
      <legend>{t('contacts.phones')}</legend>
      {phones.map((phone, i) => (
        <div class="phone-row" key={i} data-phone-row={i}>
          <Field id={`contact-phone-${i}`} label={t('phones.number', { n: i + 1 })} error={errorAt(i)}>
            {(aria) => (
              <input {...aria} type="tel" autoComplete="off" placeholder="+380…" value={phone.number} onInput={(e) => change(i, { number: (e.currentTarget as HTMLInputElement).value })} />
            )}
          </Field>
          <Field id={`contact-phone-${i}-label`} label={t('phones.label')}>
            {(aria) => <input {...aria} list="phone-labels" autoComplete="off" value={phone.label} onInput={(e) => change(i, { label: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
          <button type="button" class="button-link" aria-label={t('phones.removeNumber', { n: i + 1 })} onClick={() => onChange(phones.filter((_, j) => j !== i))}>
            {t('common.remove')}
          </button>
        </div>
      ))}
      <datalist id="phone-labels">
        {kLabels.map((key) => (
          <option key={key} value={t(key)} />
        ))}
      </datalist>
      {phones.length < kMaxPhones && (
        <button type="button" class="button-secondary" data-add-phone onClick={() => onChange([...phones, { number: '', label: '' }])}>
          {t('phones.add')}
        </button>
      )}
    </fieldset>
  );
}
