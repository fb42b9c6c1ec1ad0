import { useEffect, useState } from 'preact/hooks';

/** The time (ms), anew every `intervalMs`: for texts that age ("in 25 min", "1:05"). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
