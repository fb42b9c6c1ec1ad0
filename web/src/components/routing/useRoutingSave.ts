import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { validName, type NamedCollection } from '../../api/routing';
import { useI18n } from '../../i18n/i18n';
import type { RoutingEditorProps, RoutingKind } from './routingEditor';

/** Where an editor shows what went wrong; a conflict the panel shows itself. */
export interface ProblemDisplay {
  clear: () => void;
  /** A new item's name, refused before the server is asked. */
  name: (text: string) => void;
  /** The server refused the change. */
  failure: (failure: unknown) => void;
}

export interface RoutingSave<Input> {
  kind: RoutingKind;
  editor: RoutingEditorProps;
  /** The item's name on the server; null: a new item. */
  savedName: string | null;
  busy: boolean;
  /** Someone else changed routing meanwhile (a 409). */
  conflict: boolean;
  confirmDelete: boolean;
  setConfirmDelete: (on: boolean) => void;
  /** Submit: `build` gives the body, or null when the editor itself refused it (and said why). */
  save(e: Event, typedName: string, build: () => Input | null): Promise<void>;
  remove(): Promise<void>;
}

/** Saving (PUT) and deleting one named routing item: the name check, busy state, conflicts, the delete confirmation. */
export function useRoutingSave<Input>(options: {
  kind: RoutingKind;
  collection: NamedCollection<unknown, Input>;
  original: { name: string } | null;
  editor: RoutingEditorProps;
  problems: ProblemDisplay;
}): RoutingSave<Input> {
  const { t } = useI18n();
  const { collection, original, editor, problems } = options;
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  // Each outcome replaces what the last one showed: a conflict hides the form's errors, and the other way round.
  const refused = (failure: unknown) => {
    const isConflict = failure instanceof ApiError && failure.status === 409;
    setConflict(isConflict);
    if (isConflict) problems.clear();
    else problems.failure(failure);
  };

  const save = async (e: Event, typedName: string, build: () => Input | null) => {
    e.preventDefault();
    setConflict(false);
    // A saved item keeps its name: the name is where the server keeps it.
    const name = original?.name ?? typedName.trim();
    if (!original) {
      if (!validName(name)) return problems.name(t('routing.nameInvalid'));
      if (editor.existing.includes(name)) return problems.name(t('routing.nameTaken', { name }));
    }
    const body = build();
    if (body === null) return;
    setBusy(true);
    problems.clear();
    try {
      await collection.put(name, body);
      editor.onSaved(name);
    } catch (failure) {
      refused(failure);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!original) return;
    setBusy(true);
    try {
      await collection.remove(original.name);
      editor.onDeleted(original.name);
    } catch (failure) {
      setConfirmDelete(false);
      refused(failure);
    } finally {
      setBusy(false);
    }
  };

  return { kind: options.kind, editor, savedName: original?.name ?? null, busy, conflict, confirmDelete, setConfirmDelete, save, remove };
}
