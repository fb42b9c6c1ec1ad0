import type { ComponentChildren } from 'preact';

/** A labelled form control with its hint and its error (the API's, for this field) below it. */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  /** Marks the control invalid, described by an error shown elsewhere (the id of that text). */
  invalidBy?: string;
  children: (aria: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ComponentChildren;
}) {
  const { id, label, hint, error, invalidBy } = props;
  const invalid = Boolean(error || invalidBy);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', invalidBy ?? ''].filter(Boolean).join(' ');
  return (
    <div class={`field${invalid ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {props.children({ id, 'aria-invalid': invalid ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hint && (
        <small id={`${id}-hint`} class="field-hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error" data-field-error={id}>
          {error}
        </small>
      )}
    </div>
  );
}
