/**
 * `--http-workers N`: N processes serving HTTP on one port (Node's cluster module; the primary accepts connections
 * and hands them out round-robin). Each process is a whole `keelson serve` (its own inference workers, queues and
 * batching), loading the same model repository. `/metrics` on any of them answers for all: the primary collects
 * every process's registry (prom-client's cluster aggregation) and sums counters and histograms under unchanged names.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';

const DRAIN = 'keelson:drain';
const METRICS_REQUEST = 'keelson:metrics-request';
const METRICS_ANSWER = 'keelson:metrics-answer';
/** Index of an HTTP worker process (0..N-1), kept by its replacement; only worker 0 opens `--metrics-port`. */
export const WORKER_INDEX_ENV = 'KEELSON_HTTP_WORKER_INDEX';
/** Exit status of a process that could not start (bad flags, port taken): no point in replacing it. */
const CONFIG_EXIT = 2;

type Message = { type: string; id?: number; body?: string; error?: string };

/** True in a process started by `--http-workers`. */
export const isHttpWorker = (): boolean => cluster.isWorker;

/** This process's index among the HTTP workers (0 when not one). */
export const httpWorkerIndex = (): number => Number(process.env[WORKER_INDEX_ENV] ?? 0);

/**
 * The primary: starts `count` copies of this command as cluster workers, replaces one that dies, and on SIGTERM or
 * SIGINT tells each to drain (a second signal kills them). Resolves never; the process exits when they have.
 */
export function runHttpPrimary(count: number, logger: Logger): void {
  const aggregator = new AggregatorRegistry();
  const indexOf = new Map<Worker, number>();
  let stopping = false;
  const fork = (index: number): void => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    indexOf.set(worker, index);
    worker.on('message', (message: Message) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (body) => worker.send({ type: METRICS_ANSWER, id: message.id, body }),
        (error: Error) => worker.send({ type: METRICS_ANSWER, id: message.id, error: error.message }),
      );
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    const index = indexOf.get(worker) ?? 0;
    indexOf.delete(worker);
    if (stopping) {
      if (indexOf.size === 0) process.exit(0);
      return;
    }
    logger.error({ event: { kind: 'event', action: 'http_worker_exited', category: ['process'] }, keelson: { index, pid: worker.process.pid, exitCode: code, signal } }, `HTTP worker ${index} exited (${signal ?? `exit code ${code}`})`);
    if (code === CONFIG_EXIT) {
      stopping = true; // every copy would fail the same way
      for (const other of indexOf.keys()) other.kill('SIGKILL');
      process.exit(CONFIG_EXIT);
    }
    fork(index);
  });
  const stop = (): void => {
    if (stopping) {
      for (const worker of indexOf.keys()) worker.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    for (const worker of indexOf.keys()) if (worker.isConnected()) worker.send({ type: DRAIN });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let index = 0; index < count; index++) fork(index);
}

/**
 * In an HTTP worker: `onDrain` runs when the primary asks (its SIGTERM or SIGINT) or disappears; a Ctrl-C that
 * reaches the whole process group is left to the primary, so a worker never sees it as a second signal.
 */
export function followPrimary(onDrain: () => void): void {
  process.on('SIGINT', () => undefined);
  process.on('message', (message: Message) => {
    if (message?.type === DRAIN) onDrain();
  });
  process.on('disconnect', onDrain);
}

/** In an HTTP worker: the `/metrics` text of all the processes, from the primary; local figures only if it fails. */
export function clusterExposition(registry: Registry): () => Promise<{ contentType: string; body: string }> {
  aggregateByMeaning(registry);
  new AggregatorRegistry(); // installs the listener that answers the primary's collection requests
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 1;
  const waiting = new Map<number, (message: Message) => void>();
  process.on('message', (message: Message) => {
    if (message?.type === METRICS_ANSWER && message.id !== undefined) waiting.get(message.id)?.(message);
  });
  return async function exposition() {
    const id = nextId++;
    const answer = await new Promise<Message | undefined>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, 5_000);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(message);
      });
      process.send?.({ type: METRICS_REQUEST, id });
    });
    if (answer?.body !== undefined) return { contentType: registry.contentType, body: answer.body };
    return { contentType: registry.contentType, body: await registry.metrics() };
  };
}

/**
 * Gauges say something about the whole server (`model_ready` 1, `model_info` 1, drift PSI), so across processes
 * they take the largest value, not the sum; requests in flight, like prom-client's process and Node.js gauges
 * (memory, handles), do add up. prom-client reads `aggregator` from the metric object at collection.
 */
function aggregateByMeaning(registry: Registry): void {
  for (const metric of registry.getMetricsAsArray() as unknown as { name: string; aggregator?: string; constructor: { name: string } }[]) {
    if (metric.constructor.name !== 'Gauge' || metric.aggregator !== 'sum' || /^(process_|nodejs_)/.test(metric.name)) continue;
    if (metric.name !== 'http_requests_in_flight') metric.aggregator = 'max';
  }
}
