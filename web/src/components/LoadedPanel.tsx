import type { ComponentChildren } from 'preact';
import type { Resource } from '../api/useResource';
import { useI18n } from '../i18n/i18n';
import { ErrorNotice } from './ErrorNotice';

/** A titled panel of a list read from the API: loading, its failure (retry), `empty` when it has nothing, else `children(items)`. */
export function LoadedPanel<Item>(props: { id: string; title: string; list: Resource<Item[]>; empty: string; children: (items: Item[]) => ComponentChildren }) {
  const { t } = useI18n();
  const { list } = props;
  const headingId = `${props.id}-heading`;
  return (
    <section class="panel" aria-labelledby={headingId} data-panel={props.id}>
      <h2 id={headingId}>{props.title}</h2>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.data && (list.data.length === 0 ? <p class="muted">{props.empty}</p> : props.children(list.data))}
      {list.loading && !list.data && <p class="muted">{t('common.loading')}</p>}
    </section>
  );
}
