/**
 * Which process is "the Claude Code session": `CLAUDE_PID` when Claude Code sets it (2.1.214+),
 * else the hook's parent — skipping a shell in between when Claude Code ran the hook through one
 * that did not `exec` (Linux only: read from /proc).
 */
import { readFileSync } from 'node:fs';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'fish', 'busybox']);

function parentOf(pid: number): { comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: pid (comm) state ppid …; comm may contain spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number.parseInt(stat.slice(close + 2).split(' ')[1] ?? '', 10);
    return Number.isInteger(ppid) ? { comm, ppid } : null;
  } catch {
    return null;
  }
}

/** The pid whose exit ends the session, or null when it cannot be told (then no pulser runs). */
export function resolveClaudePid(env: NodeJS.ProcessEnv, ppid: number): number | null {
  const fromEnv = Number.parseInt(env.CLAUDE_PID ?? '', 10);
  if (Number.isInteger(fromEnv) && fromEnv > 1) return fromEnv;
  let pid = ppid;
  for (let hops = 0; hops < 2; hops++) {
    const info = parentOf(pid);
    if (!info || !SHELLS.has(info.comm)) break;
    pid = info.ppid;
  }
  return pid > 1 ? pid : null;
}
