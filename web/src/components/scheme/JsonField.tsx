import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../Field';
import { useSchemeEditing } from './schemeContext';

let fieldCount = 0;

/**
 * A value edited as JSON text (nested steps the form does not break out: menu choices,
 * fallback lists). Text that does not parse stays in the box with the parser's message, and
 * the scheme cannot be saved until it does.
 */
export function JsonField<T>(props: {
  id: string;
  label: string;
  value: T;
  onChange: (value: T) => void;
  /** Checks the parsed value's shape; returns a message when it is wrong. */
  check?: (value: unknown) => string | null;
  hint?: string;
  error?: string;
  /** The id of the step's error when it is about this field. */
  invalidBy?: string;
  rows?: number;
}) {
  const { t } = useI18n();
  const { readOnly, setJsonInvalid } = useSchemeEditing();
  const [text, setText] = useState(() => JSON.stringify(props.value, null, 2));
  const [problem, setProblem] = useState<string | null>(null);

  // Registered under a token of this field (its id changes when its step moves), cleared when it goes.
  const [token] = useState(() => `json-${++fieldCount}`);
  useEffect(() => {
    setJsonInvalid(token, problem !== null);
    return () => setJsonInvalid(token, false);
  }, [token, problem]);

  const edit = (next: string) => {
    setText(next);
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (error) {
      const message = t('scheme.jsonInvalid', { message: (error as Error).message });
      setProblem(message);
      return;
    }
    const wrong = props.check?.(parsed) ?? null;
    setProblem(wrong);
    if (wrong === null) props.onChange(parsed as T);
  };

  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={problem ?? props.error} invalidBy={props.invalidBy}>
      {(aria) => (
        <textarea
          {...aria}
          class="json-field"
          rows={props.rows ?? 4}
          spellcheck={false}
          readOnly={readOnly}
          value={text}
          onInput={(e) => edit((e.currentTarget as HTMLTextAreaElement).value)}
        />
      )}
    </Field>
  );
}
