// Processes a plugin started, including those that left its process group
// or session (setsid), so none outlives the host (Linux only: it reads
// /proc; elsewhere only the plugin's process group is signalled).
//
// While a plugin runs, /proc is walked every SCAN_MS: a process whose parent
// chain reaches the plugin or a process already tracked, or whose session or
// group is the plugin's (the plugin leads both), is remembered with its
// start time, so a process that is later orphaned (reparented to init) is
// still known, and a recycled pid is never signalled. A child that forks
// and exits again within one interval can still escape: without cgroups or
// a subreaper (neither reachable from Node) nothing sees it.
import { readdirSync, readFileSync } from 'node:fs';

const SCAN_MS = 250;
const PROC = process.platform === 'linux';

interface Stat {
  ppid: number;
  pgid: number;
  sid: number;
  /** Start time in clock ticks since boot: with the pid, names one process for good. */
  start: string;
}

/** Plugin pid → its start time, while it runs. */
const roots = new Map<number, string>();
/** Descendant pid → which plugin it belongs to and its start time. */
const known = new Map<number, { root: number; start: string }>();
let timer: NodeJS.Timeout | undefined;
let exitHookInstalled = false;

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]), start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Adds every process descended from a running plugin to `known`, and drops entries whose process is gone. */
function scan(): void {
  if (!PROC || roots.size === 0) return;
  const table = new Map<number, Stat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) table.set(Number(name), stat);
  }
  for (const [pid, entry] of known) if (table.get(pid)?.start !== entry.start) known.delete(pid);
  const ownerOf = (pid: number): number | undefined => {
    const seen = new Set<number>();
    for (let p = pid; p > 1 && !seen.has(p); p = table.get(p)?.ppid ?? 0) {
      seen.add(p);
      const stat = table.get(p);
      if (!stat) return undefined;
      if (p !== pid && roots.get(p) === stat.start) return p;
      const tracked = known.get(p);
      if (tracked && tracked.start === stat.start) return tracked.root;
      if (roots.has(stat.sid) && stat.sid !== p) return stat.sid;
      if (roots.has(stat.pgid) && stat.pgid !== p) return stat.pgid;
    }
    return undefined;
  };
  for (const [pid, stat] of table) {
    if (roots.has(pid) || known.has(pid)) continue;
    const root = ownerOf(pid);
    if (root !== undefined) known.set(pid, { root, start: stat.start });
  }
}

function killMatching(match: (root: number) => boolean): void {
  for (const [pid, entry] of known) {
    if (!match(entry.root)) continue;
    known.delete(pid);
    // Checked again right before the signal: a pid that now names another process is left alone.
    if (readStat(pid)?.start !== entry.start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Starts watching for the processes a newly spawned plugin (a process group leader, on POSIX) forks. */
export function trackPlugin(pid: number): void {
  // Without /proc the plugin's group is still killed at exit; only the scan needs its start time.
  roots.set(pid, PROC ? (readStat(pid)?.start ?? '') : '');
  if (PROC) timer ??= setInterval(scan, SCAN_MS).unref();
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous, so it also runs when the server exits without disposing the host (execa's own clean-up skips detached processes).
  process.once('exit', () => {
    scan();
    for (const pid of roots.keys()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    killMatching(() => true);
  });
}

/** The plugin exited: what it left running is still known, and killed with killDescendants or at exit. */
export function forgetPlugin(pid: number): void {
  roots.delete(pid);
  if (roots.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** Looks for new descendants now, while the plugin still runs (before it is asked to exit, which orphans them). */
export function noteDescendants(): void {
  scan();
}

/** SIGKILLs every known process descended from the plugin `pid` (synchronous, cheap: one walk of /proc). */
export function killDescendants(pid: number): void {
  scan();
  killMatching((root) => root === pid);
}
