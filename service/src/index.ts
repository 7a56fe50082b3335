/**
 * Public entry points of the inference service: `startServer` runs it (what `keelson serve` does, also handy
 * for benchmarks), `createApp` builds the HTTP app alone for `app.request()` tests.
 */
export { startServer, DEFAULTS, type RunningServer, type ServerOptions } from './server/start-server.js';
export { createApp, createNodeListener, type AppDeps, type AppOptions } from './http/app.js';
export { ServiceMetrics } from './metrics/service-metrics.js';
export { createLogger, type Logger } from './logging/logger.js';
export { ModelRegistry } from './models/model-registry.js';
export type { Inference } from './runtime/inference-engine.js';
export { ConfigError, ServiceError } from './errors.js';
