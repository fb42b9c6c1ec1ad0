// How many voicemails wait unheard (the navigation shows it): counted when the app starts,
// when a voicemail is recorded (live event), and when the inbox marks one heard or unheard.

import { useEffect } from 'preact/hooks';
import { listVoicemails } from '../api/voicemails';
import { useResource } from '../api/useResource';
import { useEventRefresh } from './useEventRefresh';

const kCountUpTo = 99;

export interface UnheardCount {
  count: number;
  /** More than `count` wait. */
  more: boolean;
}

const changeListeners = new Set<() => void>();

/** The inbox changed a voicemail's heard flag: count again. */
export function voicemailsChanged(): void {
  for (const listener of changeListeners) listener();
}

/** The unheard messages of the boxes the user may see (their own; head and admin: all). */
export function useUnheardVoicemails(): UnheardCount | null {
  const unheard = useResource(async (signal) => {
    const page = await listVoicemails({ heard: false, limit: kCountUpTo }, signal);
    if (typeof page.unheard === 'number') return { count: page.unheard, more: false };
    return { count: page.items.length, more: page.next_before !== null };
  }, []);
  useEventRefresh(unheard.reload, (event) => event.type === 'voicemail.recorded', 60_000);
  useEffect(() => {
    changeListeners.add(unheard.reload);
    return () => {
      changeListeners.delete(unheard.reload);
    };
  }, [unheard.reload]);
  return unheard.data;
}
