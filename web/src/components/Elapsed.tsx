import { formatDuration } from '../i18n/format';
import { useNow } from '../time/useNow';

/** "1:05" since `since`, ticking every second. */
export function Elapsed({ since, label }: { since: string; label?: string }) {
  const now = useNow(1000);
  const start = Date.parse(since);
  if (Number.isNaN(start)) return null;
  return (
    <span class="elapsed" title={label}>
      {formatDuration(now - start)}
    </span>
  );
}
