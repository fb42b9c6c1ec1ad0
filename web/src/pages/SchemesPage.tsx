import { useMemo } from 'preact/hooks';
import { groups, listTrunks, prompts, schedules, schemes, voicemailBoxes } from '../api/routing';
import type { Step } from '../api/routingTypes';
import { listAllUsers } from '../api/users';
import { useResource } from '../api/useResource';
import { NumbersSection } from '../components/scheme/NumbersSection';
import { SchemeEditor } from '../components/scheme/SchemeEditor';
import type { SchemeChoices } from '../components/scheme/schemeContext';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { NamedSectionPage } from './NamedSectionPage';
import { useNamedSection } from './useNamedSection';

/** The routing schemes (admin edits, head reads) and the numbers that run them. */
export function SchemesPage() {
  const { t } = useI18n();
  const section = useNamedSection('schemes', schemes);
  const choices = useSchemeChoices(!section.readOnly);

  return (
    <NamedSectionPage
      section={section}
      markOpenRow
      columns={[
        { head: t('routing.description'), cell: (s) => s.description || t('common.none') },
        { head: t('scheme.steps'), cell: (s) => <StepSummary steps={s.steps} /> },
      ]}
      editor={(current, editorProps) => <SchemeEditor scheme={current} choices={choices} {...editorProps} />}
    >
      <NumbersSection schemeNames={section.names} readOnly={section.readOnly} version={section.list.data?.version ?? 0} />
    </NamedSectionPage>
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
