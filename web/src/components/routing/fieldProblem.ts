import { ApiError } from '../../api/client';
import type { Translate } from '../../i18n/i18n';
import { errorText } from '../ErrorNotice';
import type { ProblemDisplay } from './useRoutingSave';

/** The one thing wrong with a form: at the field an editor calls `key`, or ("") at the form as a whole. */
export interface FieldProblem {
  key: string;
  text: string;
}

/**
 * Problems kept as one FieldProblem: a server error about a field that `keyOf` knows goes next to
 * that field (without the path in front: where it stands says that); anything else above the form.
 */
export function fieldProblemDisplay(set: (problem: FieldProblem | null) => void, keyOf: (field: string | undefined) => string, t: Translate): ProblemDisplay {
  return {
    clear: () => set(null),
    name: (text) => set({ key: 'name', text }),
    failure: (failure) => {
      const key = failure instanceof ApiError ? keyOf(failure.field) : '';
      set({ key, text: key && failure instanceof ApiError ? failure.fieldMessage : errorText(failure, t) });
    },
  };
}
