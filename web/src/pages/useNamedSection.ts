import { useState } from 'preact/hooks';
import type { NamedCollection } from '../api/routing';
import { useResource, type Resource } from '../api/useResource';
import type { NamedList } from '../api/routingTypes';
import type { RoutingEditorProps } from '../components/routing/routingEditor';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { usePageTitle } from './usePageTitle';

/** A routing section with a page of its own; its texts are `<section>.title`, `.lead`, `.saved`… */
export type RoutingSection = 'schemes' | 'schedules' | 'groups';

type Editing = { mode: 'new' } | { mode: 'edit'; name: string } | null;

export interface NamedSection<Item> {
  section: RoutingSection;
  readOnly: boolean;
  list: Resource<NamedList<Item>>;
  items: Item[];
  names: string[];
  /** The item being edited (null: none, or a new one). */
  current: Item | null;
  editing: Editing;
  /** The editor is open: on a new item, or on one that is still in the list. */
  editorOpen: boolean;
  /** Changes whenever the editor must start anew from what the server has. */
  editorKey: string;
  editorProps: RoutingEditorProps;
  flash: string | null;
  startNew: () => void;
  open: (name: string) => void;
}

/** The list of one routing section and which of its items is open in the editor (admin edits, head reads). */
export function useNamedSection<Item extends { name: string }>(section: RoutingSection, collection: NamedCollection<Item, unknown>): NamedSection<Item> {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t(`${section}.title`));
  const readOnly = user.role !== 'admin';
  const list = useResource((signal) => collection.list(signal), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [flash, setFlash] = useState<string | null>(null);
  // Opening an item again (from its row) starts its form anew even when nothing else changed.
  const [generation, setGeneration] = useState(0);
  const items = list.data?.items ?? [];
  const names = items.map((item) => item.name);
  const current = editing?.mode === 'edit' ? items.find((item) => item.name === editing.name) ?? null : null;

  return {
    section,
    readOnly,
    list,
    items,
    names,
    current,
    editing,
    editorOpen: editing !== null && (editing.mode === 'new' || current !== null),
    // A new version of routing (saved here, or reloaded after a conflict) starts the form anew.
    editorKey: `${editing?.mode === 'edit' ? editing.name : ''}#${list.data?.version ?? ''}#${generation}`,
    editorProps: {
      existing: names,
      readOnly,
      onClose: () => setEditing(null),
      onSaved: (name) => {
        setFlash(t(`${section}.saved`, { name }));
        setEditing({ mode: 'edit', name });
        list.reload();
      },
      onDeleted: (name) => {
        setFlash(t(`${section}.deleted`, { name }));
        setEditing(null);
        list.reload();
      },
      onReload: list.reload,
    },
    flash,
    startNew: () => {
      setFlash(null);
      setEditing({ mode: 'new' });
    },
    open: (name) => {
      setFlash(null);
      setEditing({ mode: 'edit', name });
      setGeneration((g) => g + 1);
    },
  };
}
