import { Field } from '../Field';
import { numberOrUndefined } from './stepModel';

/** A whole number (seconds, a SIP status); empty leaves the server's default. */
export function NumberField(props: {
  id: string;
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  max?: number;
  hint?: string;
  error?: string;
  /** The id of the step's error when it is about this field. */
  invalidBy?: string;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={props.error} invalidBy={props.invalidBy}>
      {(aria) => (
        <input
          {...aria}
          type="number"
          inputMode="numeric"
          class="input-number"
          min={props.min}
          max={props.max}
          step={1}
          value={props.value ?? ''}
          onInput={(e) => props.onChange(numberOrUndefined((e.currentTarget as HTMLInputElement).value))}
        />
      )}
    </Field>
  );
}
