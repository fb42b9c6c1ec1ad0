import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { roles, type Role, type User, type UserInput } from '../api/types';
import { createUser, deleteUser, listUsers, updateUser } from '../api/users';
import { useResource } from '../api/useResource';
import { ErrorNotice, errorText } from '../components/ErrorNotice';
import { Field } from '../components/Field';
import { FormActions } from '../components/FormActions';
import { FormError } from '../components/FormError';
import { OffsetPager } from '../components/Pager';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

const kPageSize = 100;

type Editing = { mode: 'create' } | { mode: 'edit'; user: User } | null;

export function UsersPage() {
  const { t } = useI18n();
  const { user: me } = useSession();
  usePageTitle(t('users.title'));
  const isAdmin = me.role === 'admin';
  const [offset, setOffset] = useState(0);
  const users = useResource((signal) => listUsers(offset, kPageSize, signal), [offset]);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);

  const remove = async (u: User) => {
    setRowError(null);
    try {
      await deleteUser(u.username);
      setConfirming(null);
      setFlash(t('users.deleted', { name: u.display_name || u.username }));
      users.reload();
    } catch (failure) {
      setRowError(failure);
    }
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('users.title')}</h1>
        {isAdmin && editing === null && (
          <button
            type="button"
            class="button-primary"
            onClick={() => {
              setFlash(null);
              setEditing({ mode: 'create' });
            }}
          >
            {t('users.add')}
          </button>
        )}
      </div>
      {!isAdmin && <p class="muted">{t('users.readOnly')}</p>}
      {flash && (
        <p class="notice notice-ok" role="status">
          {flash}
        </p>
      )}
      {editing && (
        <UserForm
          key={editing.mode === 'edit' ? editing.user.username : 'new'}
          editing={editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setFlash(t(created ? 'users.created' : 'users.saved', { name: saved.display_name || saved.username }));
            users.reload();
          }}
        />
      )}
      {users.error ? <ErrorNotice error={users.error} onRetry={users.reload} /> : null}
      {rowError ? <ErrorNotice error={rowError} /> : null}
      <div class="table-wrap">
        <table class="data-table" data-table="users">
          <caption class="visually-hidden">{t('users.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.email')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.mobile')}</th>
              <th scope="col">{t('users.webLogin')}</th>
              {isAdmin && <th scope="col">{t('users.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {(users.data?.items ?? []).map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td>{u.username}</td>
                <td>
                  {u.display_name || t('common.none')}
                  {u.username === me.username && <span class="muted"> ({t('users.you')})</span>}
                </td>
                <td>{u.email ?? t('common.none')}</td>
                <td>{t(`role.${u.role}` as MessageKey)}</td>
                <td>{u.mobile || t('common.none')}</td>
                <td>{u.web_login ? t('common.yes') : t('common.no')}</td>
                {isAdmin && (
                  <td class="row-actions">
                    {confirming === u.username ? (
                      <span class="confirm" role="group" aria-label={t('users.confirmDelete', { name: u.username })}>
                        <span>{t('users.confirmDelete', { name: u.display_name || u.username })}</span>
                        <button type="button" class="button-danger" onClick={() => remove(u)}>
                          {t('users.confirmYes')}
                        </button>
                        <button type="button" class="button-secondary" onClick={() => setConfirming(null)}>
                          {t('common.cancel')}
                        </button>
                      </span>
                    ) : (
                      <>
                        <button
                          type="button"
                          class="button-secondary"
                          aria-label={`${t('common.edit')}: ${u.username}`}
                          onClick={() => {
                            setFlash(null);
                            setEditing({ mode: 'edit', user: u });
                          }}
                        >
                          {t('common.edit')}
                        </button>
                        {u.username !== me.username && (
                          <button
                            type="button"
                            class="button-secondary"
                            aria-label={`${t('common.delete')}: ${u.username}`}
                            onClick={() => {
                              setRowError(null);
                              setConfirming(u.username);
                            }}
                          >
                            {t('common.delete')}
                          </button>
                        )}
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {users.data && <OffsetPager offset={offset} pageSize={kPageSize} total={users.data.total} onOffset={setOffset} />}
    </div>
  );
}

interface FormState {
  username: string;
  display_name: string;
  email: string;
  role: Role;
  password: string;
  sip_password: string;
  mobile: string;
}

const kFormFields: (keyof FormState)[] = ['username', 'display_name', 'email', 'role', 'password', 'sip_password', 'mobile'];

function UserForm({
  editing,
  onCancel,
  onSaved,
}: {
  editing: Exclude<Editing, null>;
  onCancel: () => void;
  onSaved: (user: User, created: boolean) => void;
}) {
  const { t } = useI18n();
  const original = editing.mode === 'edit' ? editing.user : null;
  const [state, setState] = useState<FormState>({
    username: original?.username ?? '',
    display_name: original?.display_name ?? '',
    email: original?.email ?? '',
    role: original?.role ?? 'operator',
    password: '',
    sip_password: '',
    mobile: original?.mobile ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: keyof FormState; text: string } | null>(null);
  const titleId = 'user-form-title';

  const body = (): UserInput => {
    if (!original) {
      const input: UserInput = { username: state.username.trim(), role: state.role, sip_password: state.sip_password };
      if (state.display_name.trim()) input.display_name = state.display_name.trim();
      if (state.email.trim()) input.email = state.email.trim();
      if (state.password) input.password = state.password;
      if (state.mobile.trim()) input.mobile = state.mobile.trim();
      return input;
    }
    // PATCH: only what changed; empty passwords keep the current ones.
    const change: UserInput = {};
    if (state.display_name !== original.display_name) change.display_name = state.display_name.trim();
    if (state.email !== (original.email ?? '')) change.email = state.email.trim();
    if (state.role !== original.role) change.role = state.role;
    if (state.mobile !== original.mobile) change.mobile = state.mobile.trim();
    if (state.password) change.password = state.password;
    if (state.sip_password) change.sip_password = state.sip_password;
    return change;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = original ? await updateUser(original.username, body()) : await createUser(body());
      onSaved(saved, !original);
    } catch (failure) {
      const field = failure instanceof ApiError ? (failure.field as keyof FormState | undefined) : undefined;
      if (failure instanceof ApiError && field && kFormFields.includes(field)) {
        setError({ field, text: failure.fieldMessage });
        document.getElementById(`user-${field}`)?.focus();
      } else {
        setError({ text: errorText(failure, t) });
      }
      setBusy(false);
    }
  };

  const bind = (key: keyof FormState) => ({
    value: state[key],
    onInput: (e: Event) => setState({ ...state, [key]: (e.currentTarget as HTMLInputElement).value }),
  });
  const errorOf = (key: keyof FormState) => (error?.field === key ? error.text : undefined);
  const keep = original ? ` ${t('users.keepHint')}.` : '';

  return (
    <section class="panel form-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{original ? t('users.editTitle', { name: original.display_name || original.username }) : t('users.addTitle')}</h2>
      <form onSubmit={submit} class="form-grid">
        <Field id="user-username" label={t('users.username')} hint={t('users.usernameHint')} error={errorOf('username')}>
          {(aria) => (
            <input {...aria} name="username" required readOnly={!!original} autoComplete="off" {...bind('username')} />
          )}
        </Field>
        <Field id="user-display_name" label={t('users.displayName')} error={errorOf('display_name')}>
          {(aria) => <input {...aria} name="display_name" autoComplete="off" {...bind('display_name')} />}
        </Field>
        <Field id="user-email" label={t('users.email')} hint={t('users.emailHint')} error={errorOf('email')}>
          {(aria) => <input {...aria} name="email" type="email" autoComplete="off" {...bind('email')} />}
        </Field>
        <Field id="user-role" label={t('users.role')} error={errorOf('role')}>
          {(aria) => (
            <select {...aria} name="role" value={state.role} onChange={(e) => setState({ ...state, role: (e.currentTarget as HTMLSelectElement).value as Role })}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="user-password" label={t('users.password')} hint={t('users.passwordHint') + keep} error={errorOf('password')}>
          {(aria) => <input {...aria} name="password" type="password" autoComplete="new-password" {...bind('password')} />}
        </Field>
        <Field id="user-sip_password" label={t('users.sipPassword')} hint={t('users.sipPasswordHint') + keep} error={errorOf('sip_password')}>
          {(aria) => (
            <input {...aria} name="sip_password" type="password" autoComplete="new-password" required={!original} {...bind('sip_password')} />
          )}
        </Field>
        <Field id="user-mobile" label={t('users.mobile')} hint={t('users.mobileHint')} error={errorOf('mobile')}>
          {(aria) => <input {...aria} name="mobile" type="tel" autoComplete="off" placeholder="+380…" {...bind('mobile')} />}
        </Field>
        <FormError text={error && !error.field ? error.text : null} />
        <FormActions busy={busy} onCancel={onCancel} />
      </form>
    </section>
  );
}
