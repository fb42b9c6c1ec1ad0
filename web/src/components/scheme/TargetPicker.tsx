import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n';
import { ReorderableList } from '../ReorderableList';
import { useSchemeEditing } from './schemeContext';

type TargetKind = 'user' | 'group' | 'number';

/** "user:1001" → the kind and the name or number ("sip:…" counts as a number typed). */
function parseTarget(target: string): { kind: TargetKind; value: string } {
  if (target.startsWith('user:')) return { kind: 'user', value: target.slice(5) };
  if (target.startsWith('group:')) return { kind: 'group', value: target.slice(6) };
  if (target.startsWith('number:')) return { kind: 'number', value: target.slice(7) };
  return { kind: 'number', value: target };
}

/** What is typed into the number box: a SIP URI stays one, anything else is a number. */
function typedTarget(text: string): string {
  const value = text.trim();
  return /^sips?:/i.test(value) ? value : `number:${value}`;
}

/** A ring step's targets in ring order: users, groups, or external numbers typed in. */
/** `invalidBy`: the id of the step's error when it is about the targets. */
export function TargetPicker({ id, targets, onChange, invalidBy }: { id: string; targets: string[]; onChange: (targets: string[]) => void; invalidBy?: string }) {
  const { t } = useI18n();
  const { choices, readOnly } = useSchemeEditing();
  const [kind, setKind] = useState<TargetKind>('user');
  const [value, setValue] = useState('');

  const userName = (name: string) => choices.users?.find((u) => u.username === name)?.display_name;
  const describe = (target: string) => {
    const { kind: k, value: v } = parseTarget(target);
    if (k === 'user') {
      const name = userName(v);
      return name ? `${name} (${v})` : v;
    }
    if (k === 'group') return t('target.groupNamed', { name: v });
    return v;
  };

  const options = kind === 'user' ? choices.users?.map((u) => ({ value: u.username, label: u.display_name ? `${u.display_name} (${u.username})` : u.username })) : kind === 'group' ? choices.groups?.map((g) => ({ value: g.name, label: g.name })) : undefined;
  const add = () => {
    if (!value.trim()) return;
    const target = kind === 'number' ? typedTarget(value) : `${kind}:${value}`;
    if (!targets.includes(target)) onChange([...targets, target]);
    setValue('');
  };

  return (
    <fieldset class={`targets${invalidBy ? ' field-invalid' : ''}`} aria-invalid={invalidBy ? true : undefined} aria-describedby={invalidBy}>
      <legend>{t('target.title')}</legend>
      {targets.length === 0 && <p class="muted small">{t('target.none')}</p>}
      <ReorderableList
        items={targets}
        readOnly={readOnly}
        class="target-list"
        name={`${id}-list`}
        itemLabel={(target) => describe(target)}
        onChange={(next) => onChange(next)}
        renderItem={(target, _index, controls) => {
          const parsed = parseTarget(target);
          return (
            <span class="target" data-target={target}>
              {controls.reorder}
              <span class={`tag tag-${parsed.kind}`}>{t(`target.${parsed.kind}`)}</span>
              <span class="target-name">{describe(target)}</span>
              {!readOnly && (
                <button type="button" class="button-link" aria-label={t('target.remove', { target: describe(target) })} onClick={controls.remove}>
                  {t('common.remove')}
                </button>
              )}
            </span>
          );
        }}
      />
      {!readOnly && (
        <div class="target-add" role="group" aria-label={t('target.add')}>
          <label class="visually-hidden" for={`${id}-kind`}>
            {t('target.kind')}
          </label>
          <select
            id={`${id}-kind`}
            data-target-kind
            value={kind}
            onChange={(e) => {
              setKind((e.currentTarget as HTMLSelectElement).value as TargetKind);
              setValue('');
            }}
          >
            <option value="user">{t('target.user')}</option>
            <option value="group">{t('target.group')}</option>
            <option value="number">{t('target.number')}</option>
          </select>
          <label class="visually-hidden" for={`${id}-value`}>
            {kind === 'number' ? t('target.numberHint') : t('target.whom')}
          </label>
          {options ? (
            <select id={`${id}-value`} data-target-value value={value} onChange={(e) => setValue((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('scheme.choose')}</option>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-value`}
              data-target-value
              value={value}
              inputMode={kind === 'number' ? 'tel' : undefined}
              placeholder={kind === 'number' ? '+380…' : ''}
              autoComplete="off"
              onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
            />
          )}
          <button type="button" class="button-secondary" data-add-target disabled={!value.trim()} onClick={add}>
            {t('target.addButton')}
          </button>
        </div>
      )}
    </fieldset>
  );
}
