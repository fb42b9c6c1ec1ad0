import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { groups, validName } from '../../api/routing';
import type { Group } from '../../api/routingTypes';
import type { User } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { errorText } from '../ErrorNotice';
import { Field } from '../Field';
import { ReorderableList } from '../ReorderableList';
import { RoutingConflict } from '../RoutingConflict';

interface Problem {
  /** "name", "description", "members", "members[2]", or "" (the form). */
  key: string;
  text: string;
}

function groupErrorKey(field: string | undefined): string {
  const m = field ? /(?:^|\.)((?:description|members)(?:\[\d+\])?)(?:\..*)?$/.exec(field) : null;
  return m ? m[1] : '';
}

/** One group: description and its members in ring order (a sequential ring takes them one by one). */
export function GroupEditor(props: {
  group: Group | null;
  existing: string[];
  users: User[] | null;
  readOnly: boolean;
  onSaved: (name: string) => void;
  onDeleted: (name: string) => void;
  onClose: () => void;
  onReload: () => void;
}) {
  const { t } = useI18n();
  const { group, readOnly, users } = props;
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [members, setMembers] = useState<string[]>(group?.members ?? []);
  const [adding, setAdding] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const errorAt = (key: string) => (problem?.key === key ? problem.text : undefined);
  const nameOf = (username: string) => {
    const u = users?.find((x) => x.username === username);
    return u?.display_name ? `${u.display_name} (${username})` : username;
  };
  const candidates = (users ?? []).filter((u) => !members.includes(u.username));

  const fail = (failure: unknown) => {
    if (failure instanceof ApiError && failure.status === 409) return setConflict(true);
    const key = failure instanceof ApiError ? groupErrorKey(failure.field) : '';
    setProblem({ key, text: key && failure instanceof ApiError ? failure.fieldMessage : errorText(failure, t) });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const finalName = group?.name ?? name.trim();
    if (!group) {
      if (!validName(finalName)) return setProblem({ key: 'name', text: t('routing.nameInvalid') });
      if (props.existing.includes(finalName)) return setProblem({ key: 'name', text: t('routing.nameTaken', { name: finalName }) });
    }
    setBusy(true);
    setProblem(null);
    setConflict(false);
    try {
      await groups.put(finalName, { description: description.trim(), members });
      props.onSaved(finalName);
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!group) return;
    setBusy(true);
    try {
      await groups.remove(group.name);
      props.onDeleted(group.name);
    } catch (failure) {
      setConfirmDelete(false);
      fail(failure);
    } finally {
      setBusy(false);
    }
  };

  const add = () => {
    const username = adding.trim();
    if (!username || members.includes(username)) return;
    setMembers([...members, username]);
    setAdding('');
  };

  const titleId = 'group-editor-title';
  const membersError = errorAt('members');
  return (
    <section class="panel form-panel" aria-labelledby={titleId} data-group-editor={group?.name ?? ''}>
      <div class="panel-head">
        <h2 id={titleId}>{group ? t(readOnly ? 'group.viewTitle' : 'group.editTitle', { name: group.name }) : t('group.newTitle')}</h2>
        <button type="button" class="button-secondary" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
      {conflict && <RoutingConflict onReload={props.onReload} />}
      {problem && !['name', 'description'].includes(problem.key) && (
        <p class="notice notice-error" role="alert" data-form-error>
          {problem.key ? `${problem.key}: ${problem.text}` : problem.text}
        </p>
      )}
      <form onSubmit={save} noValidate>
        <fieldset class="plain-fieldset" disabled={readOnly || busy}>
          <div class="form-grid">
            <Field id="group-name" label={t('routing.name')} hint={group ? undefined : t('routing.nameHint')} error={errorAt('name')}>
              {(aria) => <input {...aria} name="name" autoComplete="off" readOnly={!!group} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
            <Field id="group-description" label={t('routing.description')} error={errorAt('description')}>
              {(aria) => <input {...aria} name="description" autoComplete="off" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
          </div>
          <fieldset class={`members${membersError ? ' field-invalid' : ''}`}>
            <legend>{t('group.members')}</legend>
            <p class="muted small">{t('group.membersHint')}</p>
            {members.length === 0 && <p class="muted small">{t('group.noMembers')}</p>}
            <ReorderableList
              items={members}
              readOnly={readOnly}
              name="group-members"
              class="member-list"
              itemLabel={(m) => nameOf(m)}
              onChange={(next) => setMembers(next)}
              renderItem={(member, index, controls) => (
                <span class={`member${errorAt(`members[${index}]`) ? ' field-invalid' : ''}`} data-member={member}>
                  {controls.reorder}
                  <span class="member-order muted">{index + 1}.</span>
                  <span class="member-name">{nameOf(member)}</span>
                  {!readOnly && (
                    <button type="button" class="button-link" aria-label={t('group.removeMember', { name: nameOf(member) })} onClick={controls.remove}>
                      {t('common.remove')}
                    </button>
                  )}
                  {errorAt(`members[${index}]`) && <small class="field-error">{errorAt(`members[${index}]`)}</small>}
                </span>
              )}
            />
            {membersError && <small class="field-error">{membersError}</small>}
            {!readOnly && (
              <div class="target-add" role="group" aria-label={t('group.addMember')}>
                <label class="visually-hidden" for="group-add-member">
                  {t('group.addMember')}
                </label>
                {users ? (
                  <select id="group-add-member" value={adding} onChange={(e) => setAdding((e.currentTarget as HTMLSelectElement).value)}>
                    <option value="">{t('scheme.choose')}</option>
                    {candidates.map((u) => (
                      <option key={u.username} value={u.username}>
                        {u.display_name ? `${u.display_name} (${u.username})` : u.username}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id="group-add-member" autoComplete="off" value={adding} onInput={(e) => setAdding((e.currentTarget as HTMLInputElement).value)} />
                )}
                <button type="button" class="button-secondary" data-add-member disabled={!adding.trim()} onClick={add}>
                  {t('group.addMemberButton')}
                </button>
              </div>
            )}
          </fieldset>
        </fieldset>
        {!readOnly && (
          <div class="form-actions">
            <button type="submit" class="button-primary" disabled={busy} data-save-group>
              {busy ? t('common.saving') : t('common.save')}
            </button>
            <button type="button" class="button-secondary" onClick={props.onClose}>
              {t('common.cancel')}
            </button>
            {group &&
              (confirmDelete ? (
                <span class="confirm" role="group" aria-label={t('group.confirmDelete', { name: group.name })}>
                  <span>{t('group.confirmDelete', { name: group.name })}</span>
                  <button type="button" class="button-danger" disabled={busy} onClick={remove}>
                    {t('users.confirmYes')}
                  </button>
                  <button type="button" class="button-secondary" onClick={() => setConfirmDelete(false)}>
                    {t('common.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" class="button-secondary push-right" onClick={() => setConfirmDelete(true)}>
                  {t('group.delete')}
                </button>
              ))}
          </div>
        )}
      </form>
    </section>
  );
}
