// Steps as the editor makes them (the defaults of docs/routing-schemes.md), and where an API
// error about a scheme points: "schemes.sales.steps[1].open[0].targets[0]" names the step
// "steps[1].open[0]" and, in it, "targets[0]".

import type { Step, StepType } from '../../api/routingTypes';

export function newStep(type: StepType, firstSchedule = ''): Step {
  switch (type) {
    case 'ring':
      return { type, targets: [], strategy: 'sequential', timeout: 20, skip_unavailable: true };
    case 'forward':
      return { type, to: '', timeout: 20 };
    case 'when':
      return { type, schedule: firstSchedule, open: [], closed: [] };
    case 'voicemail':
      return { type, box: '' };
    case 'play':
      return { type, prompt: '' };
    case 'menu':
      return { type, prompt: '', options: { '1': [] }, timeout: 5, retries: 2 };
    case 'hangup':
      return { type, status: 480 };
  }
}

export interface StepErrorLocation {
  /** The step's path: "steps[1]", "steps[0].open[2]". */
  step: string;
  /** The index of the top-level step. */
  top: number;
  /** What in the step: "targets[0]", "timeout", "" for the step itself. */
  rest: string;
}

/** Where in the scheme an error's field path points, or null when not at a step. */
export function stepErrorLocation(field: string | undefined): StepErrorLocation | null {
  if (!field) return null;
  const m = /(?:^|\.)(steps\[(\d+)\](?:\.(?:open|closed)\[\d+\])*)(.*)$/.exec(field);
  if (!m) return null;
  return { step: m[1], top: Number(m[2]), rest: m[3].replace(/^\./, '') };
}

/** The first member of the rest ("targets[0]" → "targets"): which field of the step to mark. */
export function fieldOf(rest: string): string {
  return rest.split(/[.[]/)[0] ?? '';
}

/** Every step path of a list, nested branches included (for an error that names no step we know). */
export function stepPaths(steps: Step[], prefix = 'steps'): string[] {
  const paths: string[] = [];
  steps.forEach((step, i) => {
    const path = `${prefix}[${i}]`;
    paths.push(path);
    if (step.type === 'when') paths.push(...stepPaths(step.open, `${path}.open`), ...stepPaths(step.closed, `${path}.closed`));
  });
  return paths;
}

/** Number inputs: "" → the key is left out (the server's default); otherwise the number typed. */
export function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A copy without the keys whose value is undefined (JSON.stringify drops them anyway). */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
