import { readFileSync } from 'node:fs';

/** Peak resident set size of a process, from the kernel's high-water mark (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function report(name: string, ours: { label: string; value: number; unit: string }, baseline: { label: string; value: number; unit: string }, extra: Record<string, string | number> = {}) {
  const ratio = ours.value / baseline.value;
  const line = [
    `${name}`,
    `  ours:     ${ours.value.toFixed(1)} ${ours.unit}  (${ours.label})`,
    `  baseline: ${baseline.value.toFixed(1)} ${baseline.unit}  (${baseline.label})`,
    `  ratio:    ${ratio.toFixed(2)}`,
    ...Object.entries(extra).map(([k, v]) => `  ${k}: ${v}`),
  ].join('\n');
  console.log(line + '\n');
  return ratio;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
