import { Field } from './Field';

/** A labelled text input (or, `multiline`, a text area) with its hint and error: the forms' usual field. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string;
  error?: string;
  name?: string;
  type?: 'text' | 'tel' | 'email' | 'search';
  multiline?: boolean;
  required?: boolean;
  placeholder?: string;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}) {
  const { id, label, hint, error, multiline, onInput, ...control } = props;
  const onInputEvent = (e: Event) => onInput((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(aria) =>
        multiline ? (
          <textarea {...aria} {...control} rows={4} onInput={onInputEvent} />
        ) : (
          <input {...aria} {...control} type={control.type ?? 'text'} autoComplete="off" onInput={onInputEvent} />
        )
      }
    </Field>
  );
}
