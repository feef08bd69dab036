// Shared by every benchmark: time a thing several times, take the median, and print each figure next to
// its baseline measured in the same run, as a ratio. Machines here are noisy, so medians and ratios only.

import { performance } from 'node:perf_hooks';

export async function measure(runs: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Figure {
  /** What was measured, e.g. "vnet show, 1000 namespaces over ssh". */
  name: string;
  /** Milliseconds (median unless the name says otherwise). */
  ms: number;
  baseline?: { name: string; ms: number };
  /** The target, e.g. "≤ 1000 ms and ≥ 20× faster than (a)". */
  target?: string;
  /** Whether the target is met; printed, never asserted (benchmarks are not tests). */
  met?: boolean;
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

export function report(title: string, figures: readonly Figure[]): void {
  console.log(`\n## ${title}`);
  for (const figure of figures) {
    let line = `- ${figure.name}: ${format(figure.ms)}`;
    if (figure.baseline) {
      const ratio = figure.baseline.ms / figure.ms;
      line += ` | baseline ${figure.baseline.name}: ${format(figure.baseline.ms)} | ${ratio.toFixed(1)}× faster`;
    }
    if (figure.target) line += ` | target ${figure.target}${figure.met === undefined ? '' : figure.met ? ' ✓' : ' ✗ MISSED'}`;
    console.log(line);
  }
}
