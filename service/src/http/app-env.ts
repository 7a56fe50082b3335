import type { IncomingMessage } from 'node:http';
import type { Feedback } from '../feedback/remember.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ModelRegistry, ReadyModel } from '../models/model-registry.js';
import type { Inference } from '../runtime/inference-engine.js';
import type { TokenSet } from './middleware/token-set.js';

/** What `createApp` needs; every side effect comes in here, so tests pass fakes. */
export interface AppDeps {
  models: ModelRegistry;
  inference: Inference;
  metrics: ServiceMetrics;
  logger: Logger;
  /** True from the moment shutdown starts: readiness fails and new inference requests get 503. */
  isDraining(): boolean;
  options: AppOptions;
  /** Held predictions awaiting labels, and the feedback file log; absent = feedback off (404). */
  feedback?: Feedback;
}

/** HTTP-level settings. */
export interface AppOptions {
  /** Largest accepted request body in bytes (413 beyond). */
  bodyLimitBytes: number;
  /** When set, inference and model routes require `Authorization: Bearer <token>`. */
  authToken?: string;
  /** Accepted tokens, reloaded while the server runs (`--auth-token-file`); wins over `authToken`. */
  authTokens?: TokenSet;
  serverVersion: string;
  /** Protocol extensions listed by `GET /v2`. */
  extensions: string[];
}

/** Hono environment: per-request variables set by middleware and handlers. */
export interface AppEnv {
  /** Set by @hono/node-server (absent under `app.request()` in tests): the Node request, read directly. */
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    requestId: string;
    /** Route template for metrics and logs, when the router's own is not the one to report. */
    route?: string;
    /** The model version an inference request resolved to (labels only for served versions). */
    model?: ReadyModel;
  };
}
