// The shapes of docs/openapi.json that the app reads.

export type Role = 'admin' | 'head' | 'manager' | 'operator';
export const roles: Role[] = ['operator', 'manager', 'head', 'admin'];

const roleRank: Record<Role, number> = { operator: 0, manager: 1, head: 2, admin: 3 };
export function atLeast(role: Role, minimum: Role): boolean {
  return roleRank[role] >= roleRank[minimum];
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  role: Role;
  mobile: string;
  web_login?: boolean;
  created_at?: string;
}

export interface UserPage {
  items: User[];
  total: number;
  limit: number;
  offset: number;
}

/** A user as the form sends it: any subset (PATCH) or the full set (POST). */
export interface UserInput {
  username?: string;
  display_name?: string;
  email?: string;
  role?: Role;
  password?: string;
  sip_password?: string;
  mobile?: string;
}

export interface Call {
  id: string;
  caller: string;
  called: string;
  started_at: string;
  answered_at: string | null;
  answered_by: string | null;
  ended_at: string | null;
  /** "answered", "missed: no answer", …; null while the call is up. */
  outcome: string | null;
  sip_status: number | null;
  talk_ms: number;
  has_recording: boolean;
  recording_id: number | null;
  voicemail_id: number | null;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  target?: string;
  detail?: string;
  sip_status?: number | null;
}

export interface CallWithTimeline extends Call {
  timeline: TimelineEntry[];
}

export interface CallPage {
  items: Call[];
  next_cursor: string | null;
}

export type Outcome = 'answered' | 'missed' | 'abandoned' | 'voicemail' | 'failed';
export const outcomes: Outcome[] = ['answered', 'missed', 'abandoned', 'voicemail', 'failed'];

export interface HeatmapCell {
  total: number;
  missed: number;
}

export interface Heatmap {
  time_zone: string;
  from: string;
  to: string;
  /** 7 rows, Monday first, of 24 local hours. */
  cells: HeatmapCell[][];
  total: number;
  missed: number;
}

export interface Voicemail {
  id: number;
  box: string;
  call_id: string;
  caller: string;
  called: string;
  recorded_at: string;
  duration_ms: number;
  heard: boolean;
}

export interface VoicemailPage {
  items: Voicemail[];
  /** Pass as `before` for the next (older) page; null on the last. */
  next_before: number | null;
  /** Unheard messages in the boxes asked about (all pages). */
  unheard?: number;
}

/** One registered contact of a user's phone. contact, user_agent, source: head and admin only. */
export interface Registration {
  user: string;
  display_name: string;
  contact?: string;
  user_agent?: string;
  expires_at: string;
  source?: string;
}
