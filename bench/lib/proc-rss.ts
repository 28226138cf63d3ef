import fs from 'node:fs';

/**
 * Resident set size of a process in MB from Linux's /proc/<pid>/status: `peakMb` is VmHWM (the
 * high-water mark the kernel keeps), `nowMb` VmRSS (resident now); null where /proc is missing or
 * the process is gone.
 */
export function procRssMb(pid: number): { peakMb: number; nowMb: number } | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const mb = (field: string): number | undefined => {
    const kb = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  };
  const peakMb = mb('VmHWM');
  const nowMb = mb('VmRSS');
  return peakMb === undefined || nowMb === undefined ? null : { peakMb, nowMb };
}

/** Peak resident set size of a process in MB (VmHWM); null where /proc is missing or the process is gone. */
export function peakRssMb(pid: number): number | null {
  return procRssMb(pid)?.peakMb ?? null;
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
