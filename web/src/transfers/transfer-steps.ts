/** The saga's step names ("assess_risk", "hold", …) as a person reads them. */

const stepLabels: Readonly<Record<string, string>> = {
  lookup_destination: 'Check the receiving account',
  assess_risk: 'Security check',
  quote: 'Lock the exchange rate',
  hold: 'Reserve the funds',
  convert: 'Convert the currency',
  capture: 'Pay into the receiving account',
  release: 'Give the reserved funds back',
};

export function stepLabel(name: string): string {
  return stepLabels[name] ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export interface StepLine<S> {
  readonly step: S;
  /** How many entries in a row it stands for (a step retried five times is one line). */
  readonly times: number;
}

/** Consecutive entries of the same step with the same status become one line, keeping the latest. */
export function collapseRepeats<S extends { name: string; status: unknown }>(
  steps: readonly S[],
): StepLine<S>[] {
  const lines: StepLine<S>[] = [];
  for (const step of steps) {
    const last = lines.at(-1);
    if (last && last.step.name === step.name && last.step.status === step.status) {
      lines[lines.length - 1] = { step, times: last.times + 1 };
    } else {
      lines.push({ step, times: 1 });
    }
  }
  return lines;
}
