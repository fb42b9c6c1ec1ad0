import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

/** Where a newest-first list is read from: the cursors of the pages walked through, the last one shown. */
export interface PageTrail<Cursor> {
  /** The page shown (null: the newest). */
  cursor: Cursor | null;
  /** 1 for the newest page. */
  number: number;
  newer: () => void;
  older: (next: Cursor) => void;
  /** Back to the newest page (the filter changed). */
  restart: () => void;
}

export function usePageTrail<Cursor>(): PageTrail<Cursor> {
  // Kept whole rather than as one cursor: the server only says how to go older, so going newer
  // needs the cursor we came by.
  const [cursors, setCursors] = useState<(Cursor | null)[]>([null]);
  return {
    cursor: cursors[cursors.length - 1],
    number: cursors.length,
    newer: () => setCursors(cursors.slice(0, -1)),
    older: (next) => setCursors([...cursors, next]),
    restart: () => setCursors([null]),
  };
}

/** Newer / page N / older under a list; `onTurn` runs on either button (to close what was open on the page). */
export function Pager<Cursor>({ trail, next, onTurn }: { trail: PageTrail<Cursor>; next: Cursor | null | undefined; onTurn: () => void }) {
  const { t } = useI18n();
  return (
    <nav class="pager" aria-label={t('calls.page', { n: trail.number })}>
      <button
        type="button"
        class="button-secondary"
        disabled={trail.number === 1}
        onClick={() => {
          trail.newer();
          onTurn();
        }}
      >
        {t('calls.newer')}
      </button>
      <span class="muted">{t('calls.page', { n: trail.number })}</span>
      <button
        type="button"
        class="button-secondary"
        disabled={!next}
        onClick={() => {
          if (next) trail.older(next);
          onTurn();
        }}
      >
        {t('calls.older')}
      </button>
    </nav>
  );
}

/** Newer / "101–200 of 450" / older under a list read by offset (users, contacts); nothing when one page holds it all. */
export function OffsetPager({ offset, pageSize, total, onOffset }: { offset: number; pageSize: number; total: number; onOffset: (offset: number) => void }) {
  const { t } = useI18n();
  if (total <= pageSize && offset === 0) return null;
  return (
    <nav class="pager">
      <button type="button" class="button-secondary" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        {t('calls.newer')}
      </button>
      <span class="muted">
        {t('users.count', {
          shown: `${offset + 1}–${Math.min(offset + pageSize, total)}`,
          total,
        })}
      </span>
      <button type="button" class="button-secondary" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
        {t('calls.older')}
      </button>
    </nav>
  );
}
