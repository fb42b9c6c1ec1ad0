import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

// A list whose items are put in order by dragging a handle (HTML5 drag and drop) or with the
// "move up" / "move down" buttons (keyboard). Lists may nest (the branches of a scheme's step):
// a drag belongs to the list it started in and only that list takes the drop.

interface Dragging {
  list: object;
  from: number;
}
let dragging: Dragging | null = null;

/** Stable keys for items that have none: they follow the items when they move. */
function useStableKeys(length: number) {
  const keys = useRef<number[]>([]);
  const next = useRef(0);
  while (keys.current.length < length) keys.current.push(next.current++);
  if (keys.current.length > length) keys.current.length = length;
  return keys.current;
}

export function moveItem<T>(items: T[], from: number, to: number): T[] {
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

export interface ItemControls {
  /** The drag handle and the move buttons, for the item's header. */
  reorder: ComponentChildren;
  /** Removes the item (the key goes with it). */
  remove: () => void;
}

export function ReorderableList<T>(props: {
  items: T[];
  onChange: (items: T[], change: 'move' | 'remove') => void;
  /** How the item is named in the buttons' labels and the announcements ("step 2: ring"). */
  itemLabel: (item: T, index: number) => string;
  renderItem: (item: T, index: number, controls: ItemControls) => ComponentChildren;
  readOnly?: boolean;
  class?: string;
  /** For tests and styles: data-list on the <ol>. */
  name?: string;
}) {
  const { t } = useI18n();
  const { items, onChange, itemLabel, readOnly } = props;
  const keys = useStableKeys(items.length);
  const identity = useRef({});
  const listRef = useRef<HTMLOListElement>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const move = (from: number, to: number, focus: 'up' | 'down' | null) => {
    if (to < 0 || to >= items.length || from === to) return;
    const key = keys[from];
    const [moved] = keys.splice(from, 1);
    keys.splice(to, 0, moved);
    onChange(moveItem(items, from, to), 'move');
    setAnnouncement(t('reorder.moved', { item: itemLabel(items[from], from), position: to + 1, count: items.length }));
    if (focus) {
      // The moved item keeps the focus (its button may now be disabled: then the other one).
      requestAnimationFrame(() => {
        const li = listRef.current?.querySelector(`:scope > li[data-key="${key}"]`);
        const wanted = li?.querySelector<HTMLButtonElement>(`:scope [data-move=${focus}]:not(:disabled)`);
        const other = li?.querySelector<HTMLButtonElement>(`:scope [data-move=${focus === 'up' ? 'down' : 'up'}]`);
        (wanted ?? other)?.focus();
      });
    }
  };
  const remove = (index: number) => {
    keys.splice(index, 1);
    onChange(
      items.filter((_, i) => i !== index),
      'remove',
    );
  };

  return (
    <>
      <ol ref={listRef} class={`reorderable ${props.class ?? ''}`} data-list={props.name}>
        {items.map((item, index) => {
          const label = itemLabel(item, index);
          const reorder = readOnly ? null : (
            <span class="reorder-controls">
              <span
                class="drag-handle"
                draggable
                title={t('reorder.drag')}
                aria-hidden="true"
                data-drag-handle
                onDragStart={(e) => {
                  e.stopPropagation();
                  dragging = { list: identity.current, from: index };
                  e.dataTransfer?.setData('text/plain', label);
                  if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
                  const li = (e.currentTarget as HTMLElement).closest('li');
                  if (li && e.dataTransfer) e.dataTransfer.setDragImage(li, 16, 16);
                }}
                onDragEnd={() => {
                  dragging = null;
                  setOver(null);
                }}
              >
                ⠿
              </span>
              <button
                type="button"
                class="icon-button"
                data-move="up"
                disabled={index === 0}
                aria-label={t('reorder.up', { item: label })}
                title={t('reorder.upShort')}
                onClick={() => move(index, index - 1, 'up')}
              >
                ↑
              </button>
              <button
                type="button"
                class="icon-button"
                data-move="down"
                disabled={index === items.length - 1}
                aria-label={t('reorder.down', { item: label })}
                title={t('reorder.downShort')}
                onClick={() => move(index, index + 1, 'down')}
              >
                ↓
              </button>
            </span>
          );
          return (
            <li
              key={keys[index]}
              data-key={keys[index]}
              data-index={index}
              class={over === index && dragging?.from !== index ? 'drop-target' : undefined}
              onDragOver={(e) => {
                if (dragging?.list !== identity.current) return; // a drag of another list
                e.preventDefault();
                e.stopPropagation();
                if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
                if (over !== index) setOver(index);
              }}
              onDragLeave={(e) => {
                if (dragging?.list === identity.current && !(e.currentTarget as Node).contains(e.relatedTarget as Node | null)) setOver(null);
              }}
              onDrop={(e) => {
                if (dragging?.list !== identity.current) return;
                e.preventDefault();
                e.stopPropagation();
                const from = dragging.from;
                dragging = null;
                setOver(null);
                move(from, index, null);
              }}
            >
              {props.renderItem(item, index, { reorder, remove: () => remove(index) })}
            </li>
          );
        })}
      </ol>
      <span class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </span>
    </>
  );
}
