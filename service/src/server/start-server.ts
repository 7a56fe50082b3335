import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors.js';
import { createFeedback, type FeedbackOptions } from '../feedback/index.js';
import { createNodeListener } from '../http/app.js';
import { readiness } from '../http/routes/health.js';
import { logEvent } from '../logging/events.js';
import { createLogger, flushLogger, type LogLevel, type Logger } from '../logging/logger.js';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { ModelRegistry } from '../models/model-registry.js';
import { parseModelSpec, selectVersions, type ModelSpec } from '../repository/model-selection.js';
import { scanRepository } from '../repository/scan.js';
import type { SchedulingOverrides } from '../runtime/batching-policy.js';
import { InferenceEngine } from '../runtime/inference-engine.js';
import { PredictionCache } from '../runtime/prediction-cache.js';
import { Scheduler } from '../runtime/scheduler.js';
import { WorkerPool } from '../runtime/worker-pool.js';
import { SERVER_VERSION } from '../version.js';
import { listen, type Listener } from './http-listener.js';
import { checkHttpTimeouts, HTTP_TIMEOUTS, type HttpTimeouts } from './http-timeouts.js';
import { loadModels } from './load-models.js';
import { observerFor } from './wiring.js';
import { executionProviderFor, type ExecutionProviderRequest } from './execution-provider-choice.js';
import { clusterExposition, httpWorkerIndex, isHttpWorker } from './http-workers.js';
import { startProbeServer, type ProbeServer } from './probe-server.js';
import { threadPlan } from './units.js';
import { loadTokenFile, watchTokenFile } from './token-file.js';

/** Everything `keelson serve` can be told; only `modelsDir` is required. */
export interface ServerOptions extends SchedulingOverrides, ExecutionProviderRequest {
  modelsDir: string;
  /** `NAME[:VERSION]` specs; none = every model at its highest version. */
  models?: (string | ModelSpec)[];
  host?: string;
  /** 0 picks a free port (see `url`). Default 8080. */
  port?: number;
  metricsPort?: number;
  bodyLimitBytes?: number;
  drainTimeoutMs?: number;
  /** Scheduler: queueing + inference of one request (503 while queued, 504 while running). */
  requestTimeoutMs?: number;
  /** node:http: how long a client may take to send headers and body, and keep an idle connection (see http-timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
  authToken?: string;
  /** Tokens, one per line, re-read every `authReloadMs` while the server runs (rotation); wins over `authToken`. */
  authTokenFile?: string;
  authReloadMs?: number;
  workers?: number;
  intraOpThreads?: number;
  /** Processes serving HTTP on the port (`--http-workers`, default 1); each gets cores ÷ this for its workers. */
  httpWorkers?: number;
  /** Prediction cache size; 0 or undefined = off. */
  cacheBytes?: number;
  driftWindowRows?: number;
  /** Held predictions for ground truth and the feedback file log (docs/model-quality.md). */
  feedback?: FeedbackOptions;
  logLevel?: LogLevel;
  /** Replaces the stdout ECS logger (tests). */
  logger?: Logger;
}

/** A running server. */
export interface RunningServer {
  url: string;
  metricsUrl?: string;
  /** Resolves once every selected version was tried: true when all are ready. */
  loaded: Promise<boolean>;
  isReady(): boolean;
  pool: WorkerPool;
  metrics: ServiceMetrics;
  /** Graceful stop: readiness false, stop accepting, drain in-flight requests, stop the workers. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULTS = { host: '127.0.0.1', port: 8080, bodyLimitBytes: 4 * 1024 * 1024, drainTimeoutMs: 10_000, requestTimeoutMs: 30_000, driftWindowRows: 1000 };

/** Starts the inference server: listens at once (live), loads models in the background (ready when done). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info', serviceVersion: SERVER_VERSION });
  const specs = (options.models ?? []).map((m) => (typeof m === 'string' ? parseModelSpec(m) : m));
  const selected = selectVersions(await scanRepository(options.modelsDir), specs, options.modelsDir);
  const httpWorkers = options.httpWorkers ?? 1;
  const threads = threadPlan(availableParallelism(), options.workers, options.intraOpThreads, httpWorkers);
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes;
  if (bodyLimitBytes < 1024) throw new ConfigError(`--body-limit ${bodyLimitBytes}: expected at least 1024 bytes`);
  const httpTimeouts = checkHttpTimeouts({ ...HTTP_TIMEOUTS, ...options.httpTimeouts });

  const provider = await executionProviderFor(options, options.modelsDir, selected);
  logEvent(logger, { kind: 'execution_provider', provider: provider.provider, preference: provider.preference, fallbacks: provider.fallbacks });

  const metrics = new ServiceMetrics();
  if (isHttpWorker()) metrics.exposition = clusterExposition(metrics.registry);
  const registry = new ModelRegistry(selected);
  const pool = new WorkerPool({ workers: threads.workers, intraOpNumThreads: threads.intraOpThreads, executionProvider: provider.provider, onEvent: (event) => logEvent(logger, event) });
  const scheduler = new Scheduler(pool, options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs);
  const cache = options.cacheBytes ? new PredictionCache(options.cacheBytes) : undefined;
  const engine = new InferenceEngine(scheduler, observerFor(metrics), cache);
  let draining = false;
  const auth = options.authTokenFile === undefined ? undefined : watchTokenFile(options.authTokenFile, loadTokenFile(options.authTokenFile), logger, options.authReloadMs);
  const listener = createNodeListener({
    models: registry, inference: engine, metrics, logger, isDraining: () => draining,
    feedback: createFeedback(options.feedback ?? {}, metrics.feedback),
    options: {
      bodyLimitBytes, serverVersion: SERVER_VERSION,
      extensions: ['binary_tensor_data', 'kserve_v1_predict', 'dynamic_batching', ...(cache ? ['response_cache'] : [])],
      ...(options.authToken ? { authToken: options.authToken } : {}),
      ...(auth ? { authTokens: auth.tokens } : {}),
    },
  });

  let main: Listener;
  let probes: ProbeServer | undefined;
  const host = options.host ?? DEFAULTS.host;
  try {
    main = await listen(listener, host, options.port ?? DEFAULTS.port, httpTimeouts);
  } catch (error) {
    auth?.stop();
    await pool.close();
    throw new ConfigError(`cannot listen on ${host}:${options.port ?? DEFAULTS.port}: ${(error as Error).message}`);
  }
  // One probe thread per server: the first HTTP worker's (its readiness and heartbeat stand for the others').
  if (options.metricsPort !== undefined && httpWorkerIndex() === 0) {
    try {
      probes = await startProbeServer({ host, port: options.metricsPort, httpTimeouts, metrics, readiness: () => readiness({ isDraining: () => draining, models: registry }) });
    } catch (error) {
      auth?.stop();
      await main.drain(0);
      await pool.close();
      throw new ConfigError(`--metrics-port ${options.metricsPort}: cannot listen on ${host}:${options.metricsPort}: ${(error as Error).message}`);
    }
  }
  logEvent(logger, { kind: 'listening', url: main.url, ...(probes ? { metricsUrl: probes.url } : {}) });

  const loaded = loadModels(
    { dir: options.modelsDir, registry, executor: pool, scheduler, metrics, logger, overrides: options, driftWindowRows: options.driftWindowRows ?? DEFAULTS.driftWindowRows, executionProvider: provider.provider },
    selected,
  ).then((ready) => {
    if (ready && !draining) logEvent(logger, { kind: 'ready', models: selected.map((m) => `${m.name}:${m.version}`) });
    else if (!ready) logEvent(logger, { kind: 'not_ready', failed: registry.list().flatMap((v) => (v.status === 'failed' ? [`${v.name}:${v.version}: ${v.reason}`] : [])) });
    return ready;
  });

  let closing: Promise<void> | undefined;
  return {
    url: main.url,
    ...(probes ? { metricsUrl: probes.url } : {}),
    loaded,
    isReady: () => !draining && registry.allReady(),
    pool,
    metrics,
    close() {
      closing ??= (async () => {
        draining = true;
        auth?.stop();
        probes?.refresh();
        const timeoutMs = options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs;
        logEvent(logger, { kind: 'draining', inFlight: main.inFlight(), timeoutMs });
        const abandoned = await main.drain(timeoutMs);
        await loaded.catch(() => false);
        await pool.close();
        await probes?.close();
        logEvent(logger, { kind: 'stopped', abandoned });
        await flushLogger(logger);
      })();
      return closing;
    },
  };
}
