/**
 * A command measured with all the processes it starts: wall time, CPU time and the peak of their
 * summed resident memory. `pulumi up` is a tree (the CLI, the language host and the program's
 * Node.js, the dynamic provider's launcher and its Node.js host); `/usr/bin/time -v` would report
 * only the largest single process of it.
 */
import { spawn } from "child_process";
import { existsSync, readdirSync, readFileSync } from "fs";

/** Why CPU and memory cannot be measured here, or undefined when they can. */
export function treeUnavailable(): string | undefined {
  return existsSync("/proc/self/stat") && existsSync("/bin/sh") ? undefined : "no /proc or /bin/sh on this system";
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
};

/** Resident bytes of the processes under `root` now, `root` itself left out. */
function descendantsRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    // The parent is the second field after the name, which may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let bytes = 0;
  for (const queue = [...(children.get(root) ?? [])]; queue.length > 0;) {
    const pid = queue.pop()!;
    bytes += Number(/^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? 0) * 1024;
    queue.push(...(children.get(pid) ?? []));
  }
  return bytes;
}

export interface MeasuredCommand {
  readonly code: number | null;
  /** stdout and stderr, interleaved. */
  readonly output: string;
  readonly wallMs: number;
  /** User and system CPU of the command and every descendant it waited for. */
  readonly cpuMs?: number;
  /** The highest summed RSS sampled; a process living less than a sample interval may be missed. */
  readonly peakRssBytes?: number;
}

/**
 * Runs `command ARGS` under `sh`, whose `times` then reports the CPU of everything it waited for
 * (exact to a clock tick, where sampling /proc would miss each process's last moments), and samples
 * the memory of the tree under the shell every `intervalMs`.
 */
export async function measureCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly intervalMs?: number },
): Promise<MeasuredCommand> {
  const measurable = treeUnavailable() === undefined;
  const started = Date.now();
  const child = measurable
    ? spawn("/bin/sh", ["-c", '"$0" "$@"; code=$?; times >&3; exit $code', command, ...args], {
        ...options,
        stdio: ["ignore", "pipe", "pipe", "pipe"],
      })
    : spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let peakRssBytes = 0;
  const sample = () => (peakRssBytes = Math.max(peakRssBytes, descendantsRss(child.pid!)));
  const timer = measurable ? setInterval(sample, options.intervalMs ?? 50) : undefined;
  let output = "";
  let times = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdio[3]?.on("data", (chunk: Buffer) => (times += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const wallMs = Date.now() - started;
  clearInterval(timer);
  // `times`: the shell's user and system time, then its children's ("0m2.210000s 0m0.350000s").
  const [, , user, system] = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map(
    ([, m, s]) => (Number(m) * 60 + Number(s)) * 1000,
  );
  const cpuMs = user === undefined || system === undefined ? undefined : user + system;
  return { code, output, wallMs, cpuMs, peakRssBytes: measurable ? peakRssBytes : undefined };
}
