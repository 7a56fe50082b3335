/**
 * The load generator adapter: runs `wrk` (C, epoll, one thread by default so it takes as little of the two cores as
 * possible) with `wrk-report.lua`, which sends the request bodies in turn and prints counts, errors and latency
 * percentiles as one JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

/** One wrk run. */
export interface WrkRun {
  url: string;
  connections: number;
  durationS: number;
  /** POST the lines of `bodiesFile` in turn, or GET. */
  method: 'POST' | 'GET';
  bodiesFile?: string;
  /** Pause per connection after each response (a paced probe instead of a closed loop). */
  delayMs?: number;
  /** Fixed request rate over all threads (open-loop-like while connections suffice); overrides `delayMs`. */
  rate?: number;
  threads?: number;
  /** Requests slower than this count as timeout errors (wrk's default, 2 s, is too short for a saturated server). */
  timeoutS?: number;
}

/** What wrk measured; latencies in milliseconds. */
export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
  /** Socket errors (connect, read, write), timeouts and HTTP status ≥ 400, summed; `errorDetail` splits them. */
  errors: number;
  errorDetail: { connect: number; read: number; write: number; status: number; timeout: number };
}

interface WrkJson {
  requests: number; duration_us: number; connect: number; read: number; write: number; status: number; timeout: number;
  mean_us: number; p50_us: number; p90_us: number; p99_us: number; p999_us: number; max_us: number;
}

const threadCount = (run: WrkRun): number => Math.min(run.threads ?? 1, run.connections);

/** The `wrk` command line for a run. */
function wrkArgs(run: WrkRun): string[] {
  return [
    `-t${threadCount(run)}`, `-c${run.connections}`, `-d${run.durationS}s`, `--timeout`, `${run.timeoutS ?? 30}s`,
    '-s', SCRIPT, run.url, '--', run.method, run.bodiesFile ?? '-',
  ];
}

/** Parses the `WRK_JSON` line of wrk's output. */
function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no WRK_JSON line; its output was:\n${stdout.slice(-2000)}`);
  const j = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
  const durationS = j.duration_us / 1e6;
  const errorDetail = { connect: j.connect, read: j.read, write: j.write, status: j.status, timeout: j.timeout };
  return {
    requests: j.requests,
    durationS,
    rps: durationS > 0 ? j.requests / durationS : 0,
    p50Ms: j.p50_us / 1000,
    p90Ms: j.p90_us / 1000,
    p99Ms: j.p99_us / 1000,
    p999Ms: j.p999_us / 1000,
    maxMs: j.max_us / 1000,
    meanMs: j.mean_us / 1000,
    errors: Object.values(errorDetail).reduce((a, b) => a + b, 0),
    errorDetail,
  };
}

/** Runs wrk to completion and returns its measurements. */
export function runWrk(run: WrkRun): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, WRK_DELAY_MS: String(run.delayMs ?? 0), WRK_RATE: String((run.rate ?? 0) / threadCount(run)) };
    const child = spawn('wrk', wrkArgs(run), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) => reject(new Error(`cannot run wrk (apt-get install wrk): ${error.message}`)));
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${stderr.slice(-1000)}${stdout.slice(-1000)}`));
      try {
        resolve(parseWrkOutput(stdout));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
