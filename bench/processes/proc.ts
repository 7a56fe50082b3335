/** Per-process figures from Linux `/proc`: resident memory and CPU time, for one process or a process tree. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in bytes (`/proc/<pid>/status` VmRSS), or 0 once it has exited. */
function processRss(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds from a `/proc/.../stat` file, or 0 when it cannot be read (the task has exited). */
function statCpuSeconds(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    // fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return 0;
  }
}

/** User + system CPU seconds one process has used so far (all its threads). */
function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** Direct children of a process, from every thread's `/proc/<pid>/task/<tid>/children`. */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function sumOverTree(pid: number, measure: (pid: number) => number, depth = 0): number {
  if (depth > 8) return 0;
  return measure(pid) + childPids(pid).reduce((sum, child) => sum + sumOverTree(child, measure, depth + 1), 0);
}

/**
 * RSS of a process and all its descendants (uvicorn's worker processes; Node's worker threads are already inside
 * the one process). Shared pages count once per process, as `ps` would show them.
 */
export function treeRss(pid: number): number {
  return sumOverTree(pid, processRss);
}

/** Every thread of a process tree (key `pid/tid`) with the CPU seconds it has used so far. */
export function treeThreadCpuSeconds(pid: number, depth = 0, into = new Map<string, number>()): Map<string, number> {
  if (depth > 8) return into;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) into.set(`${pid}/${tid}`, statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
  } catch {
    return into;
  }
  for (const child of childPids(pid)) treeThreadCpuSeconds(child, depth + 1, into);
  return into;
}

/** CPU seconds of a process and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  return sumOverTree(pid, processCpuSeconds);
}
