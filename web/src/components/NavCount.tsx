import type { LiveCount } from '../live/liveCount';

/** The small figure next to a navigation link ("3", "99+"), read out as `spoken` (given the figure). */
export function NavCount({ count, spoken, kind }: { count: LiveCount | null; spoken: (figure: string) => string; kind: string }) {
  if (!count || count.count === 0) return null;
  const figure = count.more ? `${count.count}+` : String(count.count);
  return (
    <span class="nav-count" {...{ [`data-${kind}`]: count.count }}>
      <span aria-hidden="true">{figure}</span>
      <span class="visually-hidden">
        {', '}
        {spoken(figure)}
      </span>
    </span>
  );
}
