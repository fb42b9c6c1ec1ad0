// What the step forms need from around them: the names to pick from (users, groups,
// schedules, voicemail boxes, prompts), the API's error for a step, and whether the user may edit.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Group, Prompt, Schedule, Trunk, VoicemailBox } from '../../api/routingTypes';
import type { User } from '../../api/types';

export interface SchemeChoices {
  /** null: could not be loaded (the pickers then take typed names). */
  users: User[] | null;
  groups: Group[] | null;
  schedules: Schedule[] | null;
  boxes: VoicemailBox[] | null;
  prompts: Prompt[] | null;
  /** Admins only. */
  trunks: Trunk[] | null;
}

export interface StepError {
  message: string;
  /** The member of the step the error is about ("targets", "timeout"), "" for the step. */
  field: string;
}

export interface SchemeEditing {
  choices: SchemeChoices;
  readOnly: boolean;
  errorAt: (stepPath: string) => StepError | undefined;
  /** Steps were added, removed or moved: errors naming steps by position are stale. */
  onStructureChange: () => void;
  /** A JSON field holds text that is not valid JSON (the scheme cannot be saved). */
  setJsonInvalid: (id: string, invalid: boolean) => void;
}

export const SchemeEditingContext = createContext<SchemeEditing>({
  choices: { users: null, groups: null, schedules: null, boxes: null, prompts: null, trunks: null },
  readOnly: true,
  errorAt: () => undefined,
  onStructureChange: () => undefined,
  setJsonInvalid: () => undefined,
});

export function useSchemeEditing(): SchemeEditing {
  return useContext(SchemeEditingContext);
}
