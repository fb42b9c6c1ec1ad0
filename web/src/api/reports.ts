import { queryString, request } from './client';
import type { Heatmap } from './types';

export interface HeatmapQuery {
  fromMs: number;
  toMs: number;
  /** One number or several separated by commas; empty: all numbers. */
  numbers?: string;
  /** IANA zone; empty: the company's. */
  timeZone?: string;
}

export function heatmap(query: HeatmapQuery, signal?: AbortSignal): Promise<Heatmap> {
  const numbers = (query.numbers ?? '')
    .split(/[,;\s]+/)
    .map((n) => n.trim())
    .filter(Boolean)
    .join(',');
  const path = `/api/v1/reports/heatmap${queryString({
    from: query.fromMs,
    to: query.toMs,
    number: numbers,
    tz: query.timeZone?.trim(),
  })}`;
  return request<Heatmap>('GET', path, undefined, { signal });
}
