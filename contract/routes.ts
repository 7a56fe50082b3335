/**
 * The inference routes: Open Inference Protocol (V2) infer and KServe V1 predict, for a model's latest version
 * and for a pinned one. The templates are the service's routes and the `route` label of its HTTP metrics (the
 * SLI the dashboards and the judge select); the router and the service's fast path match concrete paths
 * against them.
 */

/** Route templates of the inference endpoints. */
export const INFER_ROUTES = {
  v2Infer: '/v2/models/:model/infer',
  v2InferVersion: '/v2/models/:model/versions/:version/infer',
  v1Predict: '/v1/models/:model:predict',
  v1PredictVersion: '/v1/models/:model/versions/:version:predict',
} as const;
export type InferRoute = (typeof INFER_ROUTES)[keyof typeof INFER_ROUTES];

/** Every inference route template: the `route` label values of inference requests. */
export const INFER_ROUTE_TEMPLATES: readonly InferRoute[] = Object.values(INFER_ROUTES);

/** Whether a `route` label value is an inference route. */
export const isInferRoute = (route: string): route is InferRoute => (INFER_ROUTE_TEMPLATES as readonly string[]).includes(route);

/** Where each protocol's model API lives (metadata, readiness, inference): what a draining server refuses. */
const MODEL_API_PREFIXES = { v2: '/v2/models', v1: '/v1/' } as const;

/** Whether a path belongs to a model API (as opposed to server health, metadata or metrics). */
export const isModelApiPath = (path: string): boolean => path.startsWith(MODEL_API_PREFIXES.v2) || path.startsWith(MODEL_API_PREFIXES.v1);

/** A concrete inference path: the template it matches and the model (and version) it names. */
export interface InferPath {
  route: InferRoute;
  model: string;
  version: string | undefined;
}

const PARAM = /:(model|version)\b/g;
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A matcher of concrete paths (no query string) against `routes`, each `:model`/`:version` matching one path
 * segment of the form `segment` (a regular-expression source; default: anything but `/`).
 */
export function inferPathMatcher(routes: readonly InferRoute[] = INFER_ROUTE_TEMPLATES, segment = '[^/]+'): (path: string) => InferPath | null {
  const compiled = routes.map((route) => ({
    route,
    pattern: new RegExp(`^${escapeRegex(route).replace(PARAM, `(${segment})`)}$`),
    versioned: route.includes(':version'),
  }));
  return function matchInferPath(path) {
    for (const { route, pattern, versioned } of compiled) {
      const match = pattern.exec(path);
      if (match) return { route, model: match[1]!, version: versioned ? match[2] : undefined };
    }
    return null;
  };
}
