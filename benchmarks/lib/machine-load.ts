/**
 * How busy the machine was while a benchmark ran: the CPU time every process used, from Linux's
 * /proc/stat, less the benchmark's own. On another system the figures are missing, not guessed.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface CpuSnapshot {
  /** CPU seconds all processes spent busy (not idle or waiting for I/O), or NaN without /proc/stat. */
  busy: number;
  /** Seconds stolen by the hypervisor (a VM's neighbours), or NaN. */
  steal: number;
  at: number;
  load: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const at = performance.now();
  const load = loadavg()[0] ?? NaN;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice, in clock ticks (USER_HZ = 100)
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
    return { busy: (user! + nice! + system! + irq! + softirq!) / 100, steal: steal! / 100, at, load };
  } catch {
    return { busy: NaN, steal: NaN, at, load };
  }
}

/** One line saying how busy the machine was between two snapshots, with `ownCpuSeconds` of the benchmark's own work set apart. */
export function describeLoad(before: CpuSnapshot, after: CpuSnapshot, ownCpuSeconds: number): string {
  const seconds = (after.at - before.at) / 1000;
  const cores = cpus().length;
  const others = (after.busy - before.busy - ownCpuSeconds) / seconds;
  const steal = (after.steal - before.steal) / seconds;
  const proc = Number.isNaN(others)
    ? 'other processes: unknown (no /proc/stat)'
    : `other processes kept ${Math.max(0, others).toFixed(2)} of ${cores} cores busy on average, the hypervisor stole ${steal.toFixed(2)}`;
  return `${proc}; load average ${before.load.toFixed(1)} at the start, ${after.load.toFixed(1)} at the end; ${seconds.toFixed(0)} s`;
}
