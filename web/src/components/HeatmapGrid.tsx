import type { Heatmap, HeatmapCell } from '../api/types';
import { formatNumber, percent } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';

const kHours = Array.from({ length: 24 }, (_, h) => h);

function hourLabel(h: number): string {
  return String(h).padStart(2, '0');
}

function hoursRange(h: number): string {
  return `${hourLabel(h)}:00–${hourLabel((h + 1) % 24)}:00`;
}

/** Green from pale to saturated by the cell's share of the busiest cell; any call stays visible. */
function heatStyle(total: number, max: number): string | undefined {
  if (total === 0 || max === 0) return undefined;
  const ratio = 0.12 + 0.88 * (total / max);
  const lightness = 94 - 66 * ratio;
  const saturation = 45 + 25 * ratio;
  return `background-color: hsl(142 ${saturation.toFixed(0)}% ${lightness.toFixed(0)}%);` +
    (lightness < 55 ? 'color: #fff;' : '');
}

/** The 7 x 24 grid (Monday first), with the totals of every day and hour. */
export function HeatmapGrid({ heatmap }: { heatmap: Heatmap }) {
  const { t, locale } = useI18n();
  const cells = heatmap.cells;
  const max = Math.max(0, ...cells.flat().map((c) => c.total));
  const hourTotals = kHours.map((h) => cells.reduce((sum, row) => sum + (row[h]?.total ?? 0), 0));
  const dayTotal = (row: HeatmapCell[]) => row.reduce((sum, c) => sum + c.total, 0);

  return (
    <div class="heatmap-wrap">
      <table class="heatmap" data-table="heatmap">
        <caption class="visually-hidden">{t('heatmap.table', { zone: heatmap.time_zone })}</caption>
        <thead>
          <tr>
            <td class="corner" />
            {kHours.map((h) => (
              <th key={h} scope="col" title={hoursRange(h)}>
                {hourLabel(h)}
              </th>
            ))}
            <th scope="col" class="total-col">
              {t('heatmap.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {cells.map((row, day) => {
            const dayName = t(`weekday.${day}` as MessageKey);
            return (
              <tr key={day}>
                <th scope="row">{dayName}</th>
                {row.map((cell, h) => {
                  const share = percent(cell.missed, cell.total);
                  const label =
                    cell.total === 0
                      ? t('heatmap.cellEmpty', { day: dayName, hours: hoursRange(h) })
                      : t('heatmap.cell', { day: dayName, hours: hoursRange(h), total: cell.total, missed: cell.missed, percent: share });
                  return (
                    <td
                      key={h}
                      class="heat-cell"
                      style={heatStyle(cell.total, max)}
                      title={label}
                      data-day={day}
                      data-hour={h}
                      data-total={cell.total}
                      data-missed={cell.missed}
                    >
                      {cell.total > 0 && (
                        <>
                          <span class="heat-count" aria-hidden="true">
                            {cell.total}
                          </span>
                          {cell.missed > 0 && (
                            <span class="heat-missed" aria-hidden="true">
                              {share}%
                            </span>
                          )}
                        </>
                      )}
                      <span class="visually-hidden">{label}</span>
                    </td>
                  );
                })}
                <td class="total-col" data-day-total={day}>
                  {formatNumber(dayTotal(row), locale)}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('heatmap.total')}</th>
            {hourTotals.map((total, h) => (
              <td key={h} data-hour-total={h}>
                {total > 0 ? total : ''}
              </td>
            ))}
            <td class="total-col" data-grand-total>
              {formatNumber(heatmap.total, locale)}
            </td>
          </tr>
        </tfoot>
      </table>
      <div class="heat-legend" aria-hidden="true">
        <span>{t('heatmap.less')}</span>
        <span class="heat-scale" />
        <span>{t('heatmap.more')}</span>
      </div>
    </div>
  );
}
