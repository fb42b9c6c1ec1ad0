import { queryString, request } from './client';
import type { CallerCard, Contact, ContactImportReport, ContactInput, ContactPage, ContactWithDeals, Deal, DealInput } from './crmTypes';

/** Contacts by name (substring) or number (prefix). */
export function listContacts(query: { q?: string; limit: number; offset: number }, signal?: AbortSignal): Promise<ContactPage> {
  const path = `/api/v1/contacts${queryString({ q: query.q?.trim(), limit: query.limit, offset: query.offset })}`;
  return request<ContactPage>('GET', path, undefined, { signal });
}

export function getContact(id: number, signal?: AbortSignal): Promise<ContactWithDeals> {
  return request<ContactWithDeals>('GET', `/api/v1/contacts/${id}`, undefined, { signal });
}

export function createContact(input: ContactInput): Promise<Contact> {
  return request<Contact>('POST', '/api/v1/contacts', input);
}

/** Replaces the contact (every field). */
export function updateContact(id: number, input: ContactInput): Promise<Contact> {
  return request<Contact>('PUT', `/api/v1/contacts/${id}`, input);
}

/** The server's limit of a CSV file (docs/crm.md "Importing contacts from CSV"). */
export const kMaxImportBytes = 5 * 1024 * 1024;

/** Contacts from a CSV file (heads and admins); `dryRun`: only what it would do. */
export function importContacts(file: Blob, dryRun: boolean): Promise<ContactImportReport> {
  return request<ContactImportReport>('POST', `/api/v1/contacts/import${queryString({ dry_run: String(dryRun) })}`, file, { contentType: 'text/csv' });
}

export function createDeal(input: DealInput): Promise<Deal> {
  return request<Deal>('POST', '/api/v1/deals', input);
}

export function updateDeal(id: number, input: DealInput): Promise<Deal> {
  return request<Deal>('PUT', `/api/v1/deals/${id}`, input);
}

/** Who calls from `number` (also the exact lookup of a number's contact); `callId` leaves that call out of the history. */
export function getCallerCard(number: string, callId?: string, signal?: AbortSignal): Promise<CallerCard> {
  return request<CallerCard>('GET', `/api/v1/caller-card${queryString({ number, call_id: callId })}`, undefined, { signal });
}

/** The contact as the API takes it back (a PUT replaces every field). */
export function contactInputOf(contact: Contact): ContactInput {
  const { name, company, owner, email, notes, phones } = contact;
  return { name, company, owner, email, notes, phones };
}
