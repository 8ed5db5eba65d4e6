/** Reads a process's CPU time and resident memory from Linux's /proc (no sampling overhead in the target). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(ticks) && ticks > 0) return ticks;
  } catch {
    // getconf missing: Linux has used 100 on every mainstream architecture for decades.
  }
  return 100;
}

/** utime + stime of `pid` in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  return Number(fields[11]) + Number(fields[12]);
}

/** A `Vm…` line of /proc/<pid>/status in kB (VmRSS: resident now; VmHWM: peak resident). */
export function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

export interface ProcWindow {
  readonly seconds: number;
  /** CPU time over wall time, as a percentage of one core. */
  readonly cpuPct: number;
  readonly cpuSeconds: number;
  readonly rssAvgMb: number;
  readonly rssMaxMb: number;
  readonly rssMinMb: number;
  /** Peak resident memory since the process started (VmHWM), sampled at the end. */
  readonly peakSinceStartMb: number;
  readonly samples: number;
}

const MB = 1024;

/**
 * Samples `pid` every `everyMs` for `seconds`: CPU from the tick counters at both ends, RSS from
 * every sample. Throws when the process disappears (the bench must not report a dead server).
 */
export async function sampleWindow(pid: number, seconds: number, everyMs = 1000): Promise<ProcWindow> {
  const ticksPerSecond = clockTicksPerSecond();
  const rssKb: number[] = [];
  const startTicks = readCpuTicks(pid);
  const startMs = performance.now();
  const endMs = startMs + seconds * 1000;
  rssKb.push(readStatusKb(pid, 'VmRSS'));
  while (performance.now() < endMs) {
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, endMs - performance.now()))));
    rssKb.push(readStatusKb(pid, 'VmRSS'));
  }
  const endTicks = readCpuTicks(pid);
  const wallSeconds = (performance.now() - startMs) / 1000;
  const cpuSeconds = (endTicks - startTicks) / ticksPerSecond;
  return {
    seconds: wallSeconds,
    cpuPct: (cpuSeconds / wallSeconds) * 100,
    cpuSeconds,
    rssAvgMb: rssKb.reduce((a, b) => a + b, 0) / rssKb.length / MB,
    rssMaxMb: Math.max(...rssKb) / MB,
    rssMinMb: Math.min(...rssKb) / MB,
    peakSinceStartMb: readStatusKb(pid, 'VmHWM') / MB,
    samples: rssKb.length,
  };
}
