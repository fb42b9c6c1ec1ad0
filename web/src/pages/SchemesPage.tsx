import { useMemo, useState } from 'preact/hooks';
import { groups, listTrunks, prompts, schedules, schemes, voicemailBoxes } from '../api/routing';
import type { Scheme, Step } from '../api/routingTypes';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { ErrorNotice } from '../components/ErrorNotice';
import { NumbersSection } from '../components/scheme/NumbersSection';
import { SchemeEditor } from '../components/scheme/SchemeEditor';
import type { SchemeChoices } from '../components/scheme/schemeContext';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

type Editing = { mode: 'new' } | { mode: 'edit'; name: string } | null;

/** The routing schemes (admin edits, head reads) and the numbers that run them. */
export function SchemesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('schemes.title'));
  const readOnly = user.role !== 'admin';
  const list = useResource((signal) => schemes.list(signal), []);
  const choices = useSchemeChoices(!readOnly);
  const [editing, setEditing] = useState<Editing>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  const items = list.data?.items ?? [];
  const current: Scheme | null = editing?.mode === 'edit' ? items.find((s) => s.name === editing.name) ?? null : null;
  const names = items.map((s) => s.name);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('schemes.title')}</h1>
        {!readOnly && editing === null && (
          <button
            type="button"
            class="button-primary"
            data-new-scheme
            onClick={() => {
              setFlash(null);
              setEditing({ mode: 'new' });
            }}
          >
            {t('schemes.add')}
          </button>
        )}
      </div>
      <p class="muted">{readOnly ? t('schemes.readOnly') : t('schemes.lead')}</p>
      {flash && (
        <p class="notice notice-ok" role="status">
          {flash}
        </p>
      )}
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {editing && (editing.mode === 'new' || current) && (
        <SchemeEditor
          // A new version of routing (saved here, or reloaded after a conflict) starts the form anew.
          key={`${editing.mode === 'edit' ? editing.name : ''}#${list.data?.version ?? ''}#${generation}`}
          scheme={current}
          existing={names}
          readOnly={readOnly}
          choices={choices}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setFlash(t('schemes.saved', { name }));
            setEditing({ mode: 'edit', name });
            list.reload();
          }}
          onDeleted={(name) => {
            setFlash(t('schemes.deleted', { name }));
            setEditing(null);
            list.reload();
          }}
          onReload={list.reload}
        />
      )}
      <div class="table-wrap">
        <table class="data-table" data-table="schemes">
          <caption class="visually-hidden">{t('schemes.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('routing.name')}</th>
              <th scope="col">{t('routing.description')}</th>
              <th scope="col">{t('scheme.steps')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.name} data-scheme={s.name} class={editing?.mode === 'edit' && editing.name === s.name ? 'is-selected' : undefined}>
                <td>{s.name}</td>
                <td>{s.description || t('common.none')}</td>
                <td>
                  <StepSummary steps={s.steps} />
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button-secondary"
                    aria-label={`${readOnly ? t('common.open') : t('common.edit')}: ${s.name}`}
                    onClick={() => {
                      setFlash(null);
                      setEditing({ mode: 'edit', name: s.name });
                      setGeneration((g) => g + 1);
                    }}
                  >
                    {readOnly ? t('common.open') : t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && items.length === 0 && <p class="empty">{t('schemes.empty')}</p>}
      </div>
      <NumbersSection schemeNames={names} readOnly={readOnly} version={list.data?.version ?? 0} />
    </div>
  );
}

/** "Ring → Voicemail". */
function StepSummary({ steps }: { steps: Step[] }) {
  const { t } = useI18n();
  if (steps.length === 0) return <span class="muted">{t('common.none')}</span>;
  return <span>{steps.map((s) => t(`step.${s.type}` as MessageKey)).join(' → ')}</span>;
}

/** Everything a scheme may name; a list that cannot be read leaves its picker as a text box. */
function useSchemeChoices(admin: boolean): SchemeChoices {
  const users = useResource((signal) => listAllUsers(signal), []);
  const groupList = useResource((signal) => groups.list(signal), []);
  const scheduleList = useResource((signal) => schedules.list(signal), []);
  const boxes = useResource((signal) => voicemailBoxes.list(signal), []);
  const promptList = useResource((signal) => prompts.list(signal), []);
  const trunks = useResource(admin ? (signal) => listTrunks(signal) : null, [admin]);
  return useMemo(
    () => ({
      users: users.data ?? null,
      groups: groupList.data?.items ?? null,
      schedules: scheduleList.data?.items ?? null,
      boxes: boxes.data?.items ?? null,
      prompts: promptList.data?.items ?? null,
      trunks: trunks.data?.items ?? null,
    }),
    [users.data, groupList.data, scheduleList.data, boxes.data, promptList.data, trunks.data],
  );
}
