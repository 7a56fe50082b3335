import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in bytes (Linux `/proc/<pid>/status` VmRSS), or 0 once it has exited. */
export function processRss(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
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

/**
 * RSS of a process and all its descendants (uvicorn's worker processes; Node's worker threads are already inside
 * the one process). Shared pages count once per process, as `ps` would show them.
 */
export function treeRss(pid: number, depth = 0): number {
  if (depth > 8) return 0;
  return processRss(pid) + childPids(pid).reduce((sum, child) => sum + treeRss(child, depth + 1), 0);
}
