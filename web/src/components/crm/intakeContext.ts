import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** What the intake form starts with: the caller's number and what is known of them, the call it is taken during. */
export interface IntakePrefill {
  number?: string;
  name?: string;
  company?: string;
  callId?: string;
}

/** Opens the intake form over whatever page is shown (it stays open when the call ends). */
export const IntakeContext = createContext<(prefill: IntakePrefill) => void>(() => undefined);

export function useOpenIntake(): (prefill: IntakePrefill) => void {
  return useContext(IntakeContext);
}
