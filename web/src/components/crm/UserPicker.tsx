import { useI18n } from '../../i18n/i18n';
import { NamePicker } from '../scheme/NamePicker';
import type { UserDirectory } from './useUserDirectory';

/** Whom: a select of the company's users, or (a role that may not list them) the username typed. */
export function UserPicker(props: {
  id: string;
  label: string;
  value: string;
  users: UserDirectory;
  onChange: (username: string) => void;
  error?: string;
  /** Offer "none", named so. */
  noneLabel?: string;
}) {
  const { t } = useI18n();
  return (
    <NamePicker
      id={props.id}
      label={props.label}
      value={props.value}
      options={props.users.options}
      onChange={props.onChange}
      error={props.error}
      hint={props.users.options === null ? t('crm.usernameHint') : undefined}
      optional={props.noneLabel !== undefined}
      noneLabel={props.noneLabel}
    />
  );
}
