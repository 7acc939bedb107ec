import { readFileSync } from 'node:fs';
import pg from 'pg';

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

/** PostgreSQL server the benchmarks create their throwaway databases on. */
export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A new, empty database on the benchmark server; its URL. */
export async function freshDatabase(prefix = 'bench'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(url: string) {
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();
}

/** Resident set size of a process right now (VmRSS), in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
