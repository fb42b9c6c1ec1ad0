import { useState } from 'preact/hooks';
import { groups } from '../../api/routing';
import type { Group } from '../../api/routingTypes';
import type { User } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../Field';
import { ReorderableList } from '../ReorderableList';
import { EditorActions } from '../routing/EditorActions';
import { EditorPanel } from '../routing/EditorPanel';
import { fieldProblemDisplay, type FieldProblem } from '../routing/fieldProblem';
import type { RoutingEditorProps } from '../routing/routingEditor';
import { useRoutingSave } from '../routing/useRoutingSave';

/** Where in the form an error's field path points: "description", "members", "members[2]"; "" for the form as a whole. */
function groupErrorKey(field: string | undefined): string {
  const m = field ? /(?:^|\.)((?:description|members)(?:\[\d+\])?)(?:\..*)?$/.exec(field) : null;
  return m ? m[1] : '';
}

/** One group: description and its members in ring order (a sequential ring takes them one by one). */
export function GroupEditor(props: RoutingEditorProps & { group: Group | null; users: User[] | null }) {
  const { t } = useI18n();
  const { group, readOnly, users } = props;
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [members, setMembers] = useState<string[]>(group?.members ?? []);
  const [adding, setAdding] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const routing = useRoutingSave({
    kind: 'group',
    collection: groups,
    original: group,
    editor: props,
    problems: fieldProblemDisplay(setProblem, groupErrorKey, t),
  });
  const errorAt = (key: string) => (problem?.key === key ? problem.text : undefined);
  const nameOf = (username: string) => {
    const u = users?.find((x) => x.username === username);
    return u?.display_name ? `${u.display_name} (${username})` : username;
  };
  const candidates = (users ?? []).filter((u) => !members.includes(u.username));

  const add = () => {
    const username = adding.trim();
    if (!username || members.includes(username)) return;
    setMembers([...members, username]);
    setAdding('');
  };

  const membersError = errorAt('members');
  // The name and the description show their errors next to them.
  const formError = problem && !['name', 'description'].includes(problem.key) ? (problem.key ? `${problem.key}: ${problem.text}` : problem.text) : null;
  return (
    <EditorPanel routing={routing} formError={formError}>
      <form onSubmit={(e) => routing.save(e, name, () => ({ description: description.trim(), members }))} noValidate>
        <fieldset class="plain-fieldset" disabled={readOnly || routing.busy}>
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
        <EditorActions routing={routing} />
      </form>
    </EditorPanel>
  );
}
