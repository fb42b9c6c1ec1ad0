import { Fragment, type ComponentChildren, type VNode } from 'preact';
import { ErrorNotice } from '../components/ErrorNotice';
import type { RoutingEditorProps } from '../components/routing/routingEditor';
import { useI18n } from '../i18n/i18n';
import type { NamedSection, RoutingSection } from './useNamedSection';

/** The test hooks name one item of a section: `data-new-group`, `tr[data-group=…]`. */
const kItemOf: Record<RoutingSection, string> = { schemes: 'scheme', schedules: 'schedule', groups: 'group' };

/** A column of the table after the name. */
export interface Column<Item> {
  head: string;
  cell: (item: Item) => ComponentChildren;
  /** Of both the header and the cells (`num`: figures, right-aligned). */
  class?: string;
}

/**
 * A routing section's page: title and "new" button, the lead, what was just saved, the editor,
 * the table of items (name, `columns`, an edit or, read only, open button), then `children`.
 */
export function NamedSectionPage<Item extends { name: string }>(props: {
  section: NamedSection<Item>;
  columns: Column<Item>[];
  editor: (current: Item | null, editorProps: RoutingEditorProps) => VNode;
  /** Marks the row open in the editor (`is-selected`). */
  markOpenRow?: boolean;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const { section, readOnly, items, list, editing } = props.section;
  const item = kItemOf[section];
  const openText = readOnly ? t('common.open') : t('common.edit');
  const isOpen = (name: string) => editing?.mode === 'edit' && editing.name === name;

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t(`${section}.title`)}</h1>
        {!readOnly && editing === null && (
          <button type="button" class="button-primary" {...{ [`data-new-${item}`]: true }} onClick={props.section.startNew}>
            {t(`${section}.add`)}
          </button>
        )}
      </div>
      <p class="muted">{readOnly ? t(`${section}.readOnly`) : t(`${section}.lead`)}</p>
      {props.section.flash && (
        <p class="notice notice-ok" role="status">
          {props.section.flash}
        </p>
      )}
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {props.section.editorOpen && <Fragment key={props.section.editorKey}>{props.editor(props.section.current, props.section.editorProps)}</Fragment>}
      <div class="table-wrap">
        <table class="data-table" data-table={section}>
          <caption class="visually-hidden">{t(`${section}.title`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('routing.name')}</th>
              {props.columns.map((column) => (
                <th key={column.head} scope="col" class={column.class}>
                  {column.head}
                </th>
              ))}
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr key={it.name} {...{ [`data-${item}`]: it.name }} class={props.markOpenRow && isOpen(it.name) ? 'is-selected' : undefined}>
                <td>{it.name}</td>
                {props.columns.map((column) => (
                  <td key={column.head} class={column.class}>
                    {column.cell(it)}
                  </td>
                ))}
                <td class="row-actions">
                  <button type="button" class="button-secondary" aria-label={`${openText}: ${it.name}`} onClick={() => props.section.open(it.name)}>
                    {openText}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && items.length === 0 && <p class="empty">{t(`${section}.empty`)}</p>}
      </div>
      {props.children}
    </div>
  );
}
