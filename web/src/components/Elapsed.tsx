import { useEffect, useState } from 'preact/hooks';
import { formatDuration } from '../i18n/format';

/** "1:05" since `since`, ticking every second. */
export function Elapsed({ since, label }: { since: string; label?: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const start = Date.parse(since);
  if (Number.isNaN(start)) return null;
  return (
    <span class="elapsed" title={label}>
      {formatDuration(now - start)}
    </span>
  );
}
