import { listCalls } from '../../api/calls';
import type { ContactPhone } from '../../api/crmTypes';
import type { Call } from '../../api/types';
import { useResource } from '../../api/useResource';
import { useI18n } from '../../i18n/i18n';
import { CallTable } from '../CallTable';
import { LoadedPanel } from '../LoadedPanel';

const kShown = 20;

/** The newest calls from or to any of the numbers (GET /api/v1/calls?number= for each). */
async function callsOf(phones: ContactPhone[], signal: AbortSignal): Promise<Call[]> {
  const pages = await Promise.all(phones.map((p) => listCalls({ number: p.number }, { limit: kShown, signal })));
  const byId = new Map<string, Call>();
  for (const page of pages) for (const call of page.items) byId.set(call.id, call);
  return [...byId.values()].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at)).slice(0, kShown);
}

/** A contact's last calls, all its numbers together. */
export function ContactCalls({ phones }: { phones: ContactPhone[] }) {
  const { t } = useI18n();
  const key = phones.map((p) => p.number).join(',');
  const calls = useResource((signal) => callsOf(phones, signal), [key]);
  return (
    <LoadedPanel id="contact-calls" title={t('contacts.calls')} list={calls} empty={t('contacts.noCalls')}>
      {(items) => <CallTable calls={items} table="contact-calls" />}
    </LoadedPanel>
  );
}
