// CPU time of processes from /proc (Linux), for cost per login: utime + stime of a process, and of a
// PostgreSQL cluster as a whole (the postmaster, its live children, and through the postmaster's
// cutime/cstime the children that exited in between, which it reaped).
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: 100 on every Linux Node runs on (sysconf(_SC_CLK_TCK)); the kernel reports /proc times in it.
const TICK_MS = 10;

interface ProcStat {
  ppid: number;
  /** utime + stime, ms */
  ownMs: number;
  /** cutime + cstime (reaped children), ms */
  childrenMs: number;
}

function stat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited
  }
  // the command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17
  return {
    ppid: Number(f[1]),
    ownMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
    childrenMs: (Number(f[13]) + Number(f[14])) * TICK_MS,
  };
}

/** CPU ms a process has used so far (all its threads); NaN once it has exited. */
export function processCpuMs(pid: number | undefined): number {
  const s = pid ? stat(pid) : undefined;
  return s ? s.ownMs : NaN;
}

/** CPU ms of a process tree rooted at `rootPid` (e.g. a postmaster): itself, live descendants, reaped ones. */
export function treeCpuMs(rootPid: number): number {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.set(Number(name), s);
  }
  const root = all.get(rootPid);
  if (!root) return NaN;
  let ms = root.ownMs + root.childrenMs;
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    // a live child's own time; its reaped children are in its cutime only once it reaped them
    const s = all.get(pid)!;
    ms += s.ownMs + s.childrenMs;
    stack.push(...(children.get(pid) ?? []));
  }
  return ms;
}
