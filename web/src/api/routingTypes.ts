// The shapes of the routing resources (docs/routing-schemes.md, docs/api.md): schemes and their
// steps, schedules, groups, voicemail boxes, prompts, numbers.

export type StepType = 'ring' | 'forward' | 'when' | 'voicemail' | 'play' | 'menu' | 'hangup';
export const stepTypes: StepType[] = ['ring', 'forward', 'when', 'voicemail', 'play', 'menu', 'hangup'];

export type RingStrategy = 'sequential' | 'simultaneous';

/** The fallback lists of ring and forward steps. */
export interface Fallbacks {
  on_busy?: Step[];
  on_no_answer?: Step[];
  on_unavailable?: Step[];
}
export const fallbackKeys = ['on_busy', 'on_no_answer', 'on_unavailable'] as const;
export type FallbackKey = (typeof fallbackKeys)[number];

export interface RingStep extends Fallbacks {
  type: 'ring';
  /** "user:NAME", "group:NAME", "number:+380…", "sip:…". */
  targets: string[];
  strategy?: RingStrategy;
  /** Seconds, 1 to 600 (default 20). */
  timeout?: number;
  skip_unavailable?: boolean;
}

export interface ForwardStep extends Fallbacks {
  type: 'forward';
  to: string;
  timeout?: number;
  trunk?: string;
}

export interface WhenStep {
  type: 'when';
  schedule: string;
  open: Step[];
  closed: Step[];
}

export interface VoicemailStep {
  type: 'voicemail';
  box: string;
}

export interface PlayStep {
  type: 'play';
  prompt: string;
}

export interface MenuStep {
  type: 'menu';
  prompt: string;
  /** Keys 0-9, *, #: the steps of that choice. */
  options: Record<string, Step[]>;
  timeout?: number;
  retries?: number;
  invalid_prompt?: string;
  no_input_prompt?: string;
}

export interface HangupStep {
  type: 'hangup';
  /** SIP status 400 to 699 (default 480). */
  status?: number;
  reason?: string;
}

export type Step = RingStep | ForwardStep | WhenStep | VoicemailStep | PlayStep | MenuStep | HangupStep;

export type RecordMode = 'none' | 'all' | 'on_demand';
export const recordModes: RecordMode[] = ['none', 'all', 'on_demand'];

export interface Scheme {
  name: string;
  description?: string;
  steps: Step[];
  record?: RecordMode;
}

/** PUT /api/v1/schemes/{name}: these keys only. */
export interface SchemeInput {
  description: string;
  steps: Step[];
  record?: RecordMode;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface ScheduleInput {
  time_zone: string;
  /** "HH:MM-HH:MM" ranges per day; a missing day is closed. */
  weekly: Partial<Record<Weekday, string[]>>;
  /** YYYY-MM-DD, closed all day. */
  holidays: string[];
  /** YYYY-MM-DD → that date's ranges instead of its weekday's ([]: closed). */
  exceptions: Record<string, string[]>;
}

export interface Schedule extends Partial<ScheduleInput> {
  name: string;
}

export interface GroupInput {
  description: string;
  /** Usernames, in ring order. */
  members: string[];
}

export interface Group extends Partial<GroupInput> {
  name: string;
}

export interface VoicemailBox {
  name: string;
  greeting?: string;
  emails?: string[];
  language?: string;
  max_length?: number;
  silence?: number;
  min_length?: number;
}

export interface Prompt {
  name: string;
  text?: string;
  language?: string;
  file?: string;
}

export interface Trunk {
  name: string;
  address?: string;
}

export interface NumberAssignment {
  number: string;
  scheme: string;
}

/** The list answer of every named routing resource. */
export interface NamedList<T> {
  items: T[];
  /** The routing document's version the list was read from. */
  version: number;
}

/** What a routing change answers: the whole document, the numbers and the new version. */
export interface RoutingView {
  document: Record<string, unknown>;
  numbers: Record<string, string>;
  version: number;
}
