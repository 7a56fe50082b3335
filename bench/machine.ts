import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

/** What the numbers were measured on. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  wrk: string;
  /** 1, 5 and 15-minute load averages when the run started (other processes on a shared machine show here). */
  loadAverageAtStart: number[];
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    wrk: `${wrk.stdout ?? ''}${wrk.stderr ?? ''}`.split('\n')[0]?.trim() || 'not found',
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
