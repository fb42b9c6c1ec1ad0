// What a routing section's page and the editor of one of its items agree on.

/** One item of a routing section; its texts are `<kind>.newTitle`, `.editTitle`, `.delete`…, its test hooks `data-<kind>-editor`, `data-save-<kind>`. */
export type RoutingKind = 'scheme' | 'schedule' | 'group';

/** What every editor of a named routing item is given by its page. */
export interface RoutingEditorProps {
  /** The names taken already: a new item may not reuse one. */
  existing: string[];
  readOnly: boolean;
  onSaved: (name: string) => void;
  onDeleted: (name: string) => void;
  onClose: () => void;
  /** Read routing anew (after a conflict). */
  onReload: () => void;
}
