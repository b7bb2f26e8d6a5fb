/**
 * What a process and all its descendants use, sampled from /proc: their summed resident memory at
 * its peak, and their CPU time. `pulumi up` is a tree (the CLI, the language host and the program's
 * Node.js, the dynamic provider's launcher and its Node.js host), and `/usr/bin/time -v` reports
 * only the largest single process of a tree.
 */
import { execFileSync } from "child_process";
import { existsSync, readdirSync, readFileSync } from "fs";

/** Why the figures cannot be had here, or undefined when they can. */
export function processTreeUnavailable(): string | undefined {
  return existsSync("/proc/self/stat") ? undefined : "no /proc on this system";
}

let clockTicks: number | undefined;
/** The kernel's clock ticks per second, in which /proc gives CPU time. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
};

interface ProcessStat {
  readonly ppid: number;
  /** User and system CPU time so far, in ms. */
  readonly cpuMs: number;
}

/** Every live process's parent and CPU time, from /proc/PID/stat (whose name may hold spaces). */
function processes(): Map<number, ProcessStat> {
  const all = new Map<number, ProcessStat>();
  const tick = 1000 / ticksPerSecond();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    // After the name: state, ppid, ... utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    all.set(Number(entry), { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * tick });
  }
  return all;
}

/** The processes of the tree under `root` now, with their resident bytes and CPU time. */
function tree(root: number): Map<number, { rssBytes: number; cpuMs: number }> {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of all) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const members = new Map<number, { rssBytes: number; cpuMs: number }>();
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.pop()!;
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1];
    const stat = all.get(pid);
    if (stat) members.set(pid, { rssBytes: Number(kb ?? 0) * 1024, cpuMs: stat.cpuMs });
    queue.push(...(children.get(pid) ?? []));
  }
  return members;
}

export interface TreeUsage {
  /** The highest sum of the tree's resident memory seen. */
  readonly peakRssBytes: number;
  /** CPU time of every process seen in the tree, as last seen. */
  readonly cpuMs: number;
}

/**
 * Samples the tree under `root` every `intervalMs` until the returned function is called. A process
 * that lives less than an interval may be missed, and the CPU a process uses after its last sample
 * is not counted: both figures are lower bounds.
 */
export function sampleProcessTree(root: number, intervalMs = 50): () => TreeUsage {
  let peakRssBytes = 0;
  const cpu = new Map<number, number>();
  const sample = () => {
    let rss = 0;
    for (const [pid, usage] of tree(root)) {
      rss += usage.rssBytes;
      cpu.set(pid, usage.cpuMs);
    }
    peakRssBytes = Math.max(peakRssBytes, rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    return { peakRssBytes, cpuMs: [...cpu.values()].reduce((a, b) => a + b, 0) };
  };
}
