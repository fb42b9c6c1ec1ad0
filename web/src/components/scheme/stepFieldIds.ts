/** The id of a step's form control: "steps[1].open[0]" + "timeout" → "s-steps-1-open-0-timeout". */
export function stepFieldId(stepPath: string, field: string): string {
  return `s-${stepPath}-${field}`.replace(/[^a-zA-Z0-9_]+/g, '-').replace(/-+$/, '');
}
