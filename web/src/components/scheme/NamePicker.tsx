import { useI18n } from '../../i18n/i18n';
import { Field } from '../Field';

export interface NameOption {
  value: string;
  label: string;
  group?: string;
}

/**
 * A select of the names that exist (schedules, boxes, prompts), keeping a name that no longer
 * does; a text input when the list could not be loaded (`options` null).
 */
export function NamePicker(props: {
  id: string;
  label: string;
  value: string;
  options: NameOption[] | null;
  onChange: (value: string) => void;
  error?: string;
  /** The id of the step's error when it is about this field. */
  invalidBy?: string;
  hint?: string;
  /** Offer "none" (an optional name). */
  optional?: boolean;
  /** What "none" means here ("the default trunk"). */
  noneLabel?: string;
}) {
  const { t } = useI18n();
  const { value, options } = props;
  const known = options?.some((o) => o.value === value) ?? false;
  const groups = [...new Set((options ?? []).map((o) => o.group ?? ''))];
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={props.error} invalidBy={props.invalidBy}>
      {(aria) =>
        options === null ? (
          <input {...aria} value={value} autoComplete="off" spellcheck={false} onInput={(e) => props.onChange((e.currentTarget as HTMLInputElement).value)} />
        ) : (
          <select {...aria} value={value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
            {(props.optional || value === '') && <option value="">{props.optional ? props.noneLabel ?? t('scheme.none') : t('scheme.choose')}</option>}
            {!known && value !== '' && <option value={value}>{t('scheme.unknownName', { name: value })}</option>}
            {groups.map((group) => {
              const items = options.filter((o) => (o.group ?? '') === group).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ));
              return group ? (
                <optgroup key={group} label={group}>
                  {items}
                </optgroup>
              ) : (
                items
              );
            })}
          </select>
        )
      }
    </Field>
  );
}
