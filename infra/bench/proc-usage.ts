/**
 * CPU seconds and peak RSS of a process and its descendants, from /proc (Linux): utime+stime of every live member
 * (clock ticks / 100 per second) and VmHWM (each process's own peak RSS). Sampled while the engine runs, so a JVM
 * under a watchdog counts as well as a node process; a member that exited keeps its last sample.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

type Stat = { pid: number; ppid: number; cpuTicks: number };

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function peakRssKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples `root` and its descendants every `intervalMs` until stop(). CPU counts from the first sample (what a
 * process had used before it, e.g. a JVM's start-up, is left out); peak RSS is each process's own high-water mark.
 */
export function sampleUsage(root: number, intervalMs = 500) {
  const cpu = new Map<number, number>();
  const before = new Map<number, number>();
  let first = true;
  const rss = new Map<number, number>();
  const sample = () => {
    const all = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map((d) => stat(Number(d)))
      .filter((s): s is Stat => s !== undefined);
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of all) {
        if (tree.has(s.ppid) && !tree.has(s.pid)) {
          tree.add(s.pid);
          grew = true;
        }
      }
    }
    for (const s of all) {
      if (!tree.has(s.pid)) continue;
      if (first) before.set(s.pid, s.cpuTicks);
      cpu.set(s.pid, s.cpuTicks);
      rss.set(s.pid, Math.max(rss.get(s.pid) ?? 0, peakRssKiB(s.pid)));
    }
  };
  sample();
  first = false;
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      const ticks = [...cpu].reduce((a, [pid, t]) => a + t - (before.get(pid) ?? 0), 0);
      return {
        cpuSeconds: ticks / TICKS_PER_SECOND,
        peakRssMiB: Math.max(0, ...rss.values()) / 1024,
      };
    },
  };
}
