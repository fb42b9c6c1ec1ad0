// The CRM's shapes (docs/crm.md, src/http/crm_json.cpp): contacts, deals, tasks, the caller card.

export interface ContactPhone {
  /** E.164 (or an extension), however it was typed. */
  number: string;
  label: string;
}

export interface Contact {
  id: number;
  name: string;
  company: string;
  /** Username of the responsible user, "" for none. */
  owner: string;
  email: string;
  notes: string;
  external_id: string | null;
  phones: ContactPhone[];
  created_at: string;
  updated_at: string;
}

export interface ContactPage {
  items: Contact[];
  total: number;
}

/** What a CSV import did, or (dry_run) would do: POST /api/v1/contacts/import. */
export interface ContactImportReport {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** The first 1000 lines skipped; `line` as an editor numbers the file's lines (the header is 1). */
  errors: { line: number; message: string }[];
  warnings: string[];
}

/** A contact as it is sent: numbers in any usual format. */
export interface ContactInput {
  name: string;
  company: string;
  owner: string;
  email: string;
  notes: string;
  phones: ContactPhone[];
}

export interface Deal {
  id: number;
  contact_id: number;
  title: string;
  /** Free text: new, proposal, won, … */
  stage: string;
  owner: string;
  open: boolean;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactWithDeals extends Contact {
  deals: Deal[];
}

export type DealInput = Pick<Deal, 'contact_id' | 'title' | 'stage' | 'owner' | 'open'>;

export type TaskState = 'open' | 'done' | 'cancelled';

export interface Task {
  id: number;
  /** call_back (a missed call), intake (the intake form). */
  kind: string;
  number: string;
  contact_id: number | null;
  assignee: string;
  /** deal_owner, contact_owner, head, form. */
  assigned_by: string;
  title: string;
  detail: string;
  due_at: string;
  state: TaskState;
  /** Missed calls behind a call-back task. */
  calls: number;
  first_call_id: string;
  last_call_id: string;
  voicemail_id: number | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by_call: string | null;
  closed_by: string | null;
}

export interface TaskPage {
  items: Task[];
  /** Pass as `before` for the next (older) page; null on the last. */
  next_before: number | null;
}

export interface TaskInput {
  title: string;
  detail: string;
  assignee: string;
  number?: string;
  contact_id?: number;
  call_id?: string;
}

/** One earlier call of the number, as the caller card lists it. */
export interface CardCall {
  id: string;
  started_at: string;
  caller: string;
  called: string;
  outcome: string;
  answered_by: string;
}

export interface CallerCard {
  /** Normalised. */
  number: string;
  /** True for a first contact: no contact and no earlier call from the number. */
  primary: boolean;
  contact: Contact | null;
  /** Open ones first. */
  deals: Deal[];
  /** Newest first, at most 5, without the call ringing now. */
  recent_calls: CardCall[];
  open_task: Task | null;
}
