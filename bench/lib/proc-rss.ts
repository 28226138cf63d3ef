import fs from 'node:fs';

/**
 * Peak resident set size of a process in MB, from Linux's /proc/<pid>/status (VmHWM, the
 * high-water mark the kernel keeps); null where /proc is missing or the process is gone.
 */
export function peakRssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = status.match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/**
 * The live child processes of `parent` (Linux /proc): how the bench finds the embedder worker's
 * pid without a hook in the engine. Empty where /proc is missing.
 */
export function childPids(parent: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may hold spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(e));
    } catch {
      // The process ended while listing.
    }
  }
  return out;
}

/** The bench process's own peak RSS in MB (getrusage's ru_maxrss). */
export function ownPeakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
