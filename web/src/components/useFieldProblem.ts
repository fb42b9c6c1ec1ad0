import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { fieldProblemDisplay, type FieldProblem } from './routing/fieldProblem';

export interface FieldProblems {
  /** Shows a failure: at the field `keyOf` names, or at the form. */
  show: (failure: unknown) => void;
  clear: () => void;
  /** The error at the field `key`, if that is where the problem is. */
  at: (key: string) => string | undefined;
  /** The problem no field shows. */
  formError: string | null;
}

/** A form's one problem at a time, the API's error next to the field it names (`keyOf`: API field → the form's key, "" for none). */
export function useFieldProblem(keyOf: (field: string | undefined) => string): FieldProblems {
  const { t } = useI18n();
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const display = fieldProblemDisplay(setProblem, keyOf, t);
  return {
    show: display.failure,
    clear: display.clear,
    at: (key) => (problem && problem.key === key ? problem.text : undefined),
    formError: problem && problem.key === '' ? problem.text : null,
  };
}
