// How many voicemails wait unheard (the navigation shows it): counted when the app starts,
// when a voicemail is recorded (live event), and when the inbox marks one heard or unheard.

import { listVoicemails } from '../api/voicemails';
import { liveCounter, type LiveCount } from './liveCount';

const kCountUpTo = 99;

export type UnheardCount = LiveCount;

const unheard = liveCounter((event) => event.type === 'voicemail.recorded');

/** The inbox changed a voicemail's heard flag: count again. */
export const voicemailsChanged = (): void => unheard.changed();

/** The unheard messages of the boxes the user may see (their own; head and admin: all). */
export function useUnheardVoicemails(): UnheardCount | null {
  return unheard.useCount(async (signal) => {
    const page = await listVoicemails({ heard: false, limit: kCountUpTo }, signal);
    if (typeof page.unheard === 'number') return { count: page.unheard, more: false };
    return { count: page.items.length, more: page.next_before !== null };
  }, []);
}
