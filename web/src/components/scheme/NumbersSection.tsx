import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { assignNumber, listNumbers, removeNumber } from '../../api/routing';
import type { NumberAssignment } from '../../api/routingTypes';
import { useResource } from '../../api/useResource';
import { useI18n } from '../../i18n/i18n';
import { ErrorNotice, errorText } from '../ErrorNotice';
import { Field } from '../Field';
import { RoutingConflict } from '../RoutingConflict';

/** Which number (or extension) runs which scheme: assign, change, remove. */
export function NumbersSection({ schemeNames, readOnly, version }: { schemeNames: string[]; readOnly: boolean; version: number }) {
  const { t } = useI18n();
  const numbers = useResource((signal) => listNumbers(signal), [version]);
  const [number, setNumber] = useState('');
  const [scheme, setScheme] = useState('');
  const [problem, setProblem] = useState<{ field?: 'number' | 'scheme'; text: string } | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  const run = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    setConflict(false);
    try {
      await change();
      numbers.reload();
      return true;
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) setConflict(true);
      else {
        const field = failure instanceof ApiError ? failure.field : undefined;
        const which = field === 'scheme' ? 'scheme' : field === 'number' || field?.startsWith('numbers') ? 'number' : undefined;
        setProblem({ field: which, text: which && failure instanceof ApiError ? failure.fieldMessage : errorText(failure, t) });
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const assign = async (e: Event) => {
    e.preventDefault();
    const n = number.trim();
    if (!n) return setProblem({ field: 'number', text: t('numbers.numberMissing') });
    if (!scheme) return setProblem({ field: 'scheme', text: t('numbers.schemeMissing') });
    if (await run(() => assignNumber(n, scheme))) setNumber('');
  };

  return (
    <section class="panel numbers" aria-labelledby="numbers-heading">
      <h2 id="numbers-heading">{t('numbers.title')}</h2>
      <p class="muted small">{t('numbers.lead')}</p>
      {numbers.error ? <ErrorNotice error={numbers.error} onRetry={numbers.reload} /> : null}
      {conflict && <RoutingConflict onReload={numbers.reload} />}
      {problem && !problem.field && (
        <p class="notice notice-error" role="alert">
          {problem.text}
        </p>
      )}
      <div class="table-wrap">
        <table class="data-table" data-table="numbers">
          <caption class="visually-hidden">{t('numbers.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('numbers.number')}</th>
              <th scope="col">{t('numbers.scheme')}</th>
              {!readOnly && <th scope="col">{t('users.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {(numbers.data?.items ?? []).map((item: NumberAssignment) => (
              <tr key={item.number} data-number={item.number}>
                <td>{item.number}</td>
                <td>
                  {readOnly ? (
                    item.scheme
                  ) : (
                    <select
                      aria-label={t('numbers.schemeOf', { number: item.number })}
                      value={item.scheme}
                      disabled={busy}
                      onChange={(e) => run(() => assignNumber(item.number, (e.currentTarget as HTMLSelectElement).value))}
                    >
                      {!schemeNames.includes(item.scheme) && <option value={item.scheme}>{t('scheme.unknownName', { name: item.scheme })}</option>}
                      {schemeNames.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                {!readOnly && (
                  <td class="row-actions">
                    <button type="button" class="button-secondary" disabled={busy} aria-label={t('numbers.removeNumber', { number: item.number })} onClick={() => run(() => removeNumber(item.number))}>
                      {t('numbers.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {numbers.data && numbers.data.items.length === 0 && <p class="empty">{t('numbers.empty')}</p>}
      </div>
      {!readOnly && (
        <form class="filters numbers-add" onSubmit={assign} noValidate aria-label={t('numbers.assign')}>
          <Field id="number-new" label={t('numbers.number')} hint={t('numbers.numberHint')} error={problem?.field === 'number' ? problem.text : undefined}>
            {(aria) => <input {...aria} name="number" inputMode="tel" autoComplete="off" value={number} onInput={(e) => setNumber((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <Field id="number-scheme" label={t('numbers.scheme')} error={problem?.field === 'scheme' ? problem.text : undefined}>
            {(aria) => (
              <select {...aria} name="scheme" value={scheme} onChange={(e) => setScheme((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('scheme.choose')}</option>
                {schemeNames.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="filter-actions">
            <button type="submit" class="button-primary" disabled={busy} data-assign-number>
              {t('numbers.assign')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
