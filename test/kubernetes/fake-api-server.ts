/**
 * A fake Kubernetes API server on 127.0.0.1 for the endpoints keelson uses, speaking their wire protocol: server-side
 * apply (PATCH application/apply-patch+yaml with fieldManager, each object validated against its schema, 422 when
 * invalid), GET, JSON merge patches of the main resource and the `status` subresource, bearer-token authentication,
 * RBAC refusals and missing CRDs as the real `Status` objects. A test scripts what the Argo controller would do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parse } from 'yaml';
import { validateKubernetesObject } from '../infra/schemas.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS: Record<string, { group: string; kind: string }> = {
  serviceaccounts: { group: '', kind: 'ServiceAccount' },
  services: { group: '', kind: 'Service' },
  replicasets: { group: 'apps', kind: 'ReplicaSet' },
  deployments: { group: 'apps', kind: 'Deployment' },
  servicemonitors: { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
  poddisruptionbudgets: { group: 'policy', kind: 'PodDisruptionBudget' },
  horizontalpodautoscalers: { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  networkpolicies: { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  httproutes: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  rollouts: { group: 'argoproj.io', kind: 'Rollout' },
  analysistemplates: { group: 'argoproj.io', kind: 'AnalysisTemplate' },
  analysisruns: { group: 'argoproj.io', kind: 'AnalysisRun' },
  experiments: { group: 'argoproj.io', kind: 'Experiment' },
};

export interface FakeOptions {
  token: string;
  user?: string;
  namespaces?: string[];
  argoInstalled?: boolean;
  /** `patch rollouts`, `get rollouts`, `patch rollouts/status`: refused with 403. */
  forbid?: string[];
}

/** What the fake saw of each request that reached a handler. */
export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
}

/** Called after each request was answered: the test's stand-in for the Argo controller. */
export type Controller = (fake: FakeApiServer, seen: Seen) => void;

const resourceOf = (plural: string) => `${plural}${KINDS[plural]?.group ? `.${KINDS[plural]!.group}` : ''}`;

export class FakeApiServer {
  readonly objects = new Map<string, Json>();
  readonly seen: Seen[] = [];
  controller: Controller | undefined;
  url = '';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private version = 100;

  constructor(private readonly options: FakeOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  /** Stops listening and cuts every open connection, like an API server that died. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }

  key(plural: string, namespace: string, name: string): string {
    return `${plural}/${namespace}/${name}`;
  }

  get(plural: string, namespace: string, name: string): Json | undefined {
    return this.objects.get(this.key(plural, namespace, name));
  }

  /** Stores an object as the controller would (no validation, resourceVersion bumped). */
  put(plural: string, object: Json): void {
    object.metadata.resourceVersion = String(++this.version);
    this.objects.set(this.key(plural, object.metadata.namespace, object.metadata.name), object);
  }

  /** The objects applied (server-side apply requests that succeeded), in order. */
  applied(): Json[] {
    return this.seen.filter((s) => s.method === 'PATCH' && s.contentType === 'application/apply-patch+yaml').map((s) => s.body as Json);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const send = (code: number, body: Json) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const match = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)(?:\/(status))?$/.exec(url.pathname);
    if (!match || !KINDS[match[4]!]) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, group = '', , namespace, plural, name, sub] = match as unknown as [string, string | undefined, string, string, string, string, string | undefined];
    if (KINDS[plural]!.group !== group) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (group === 'argoproj.io' && this.options.argoInstalled === false) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const verb = req.method === 'GET' ? 'get' : 'patch';
    const resource = sub ? `${plural}/${sub}` : plural;
    if (this.options.forbid?.includes(`${verb} ${resource}`)) {
      const user = this.options.user ?? 'system:serviceaccount:ci:deployer';
      const message = `${resourceOf(plural)} "${name}" is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`;
      return send(403, status(403, 'Forbidden', message, { name, group, kind: plural }));
    }
    if (!(this.options.namespaces ?? ['keelson']).includes(namespace)) {
      return send(404, status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }));
    }
    const query = Object.fromEntries(url.searchParams);
    const seen: Seen = { method: req.method ?? '', path: url.pathname, query, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}) };
    const answer = this.answer(req.method ?? '', plural, namespace, name, sub, seen, text);
    this.seen.push(seen);
    send(answer.code, answer.body);
    if (answer.code < 300) this.controller?.(this, seen);
  }

  private answer(method: string, plural: string, namespace: string, name: string, sub: string | undefined, seen: Seen, text: string): { code: number; body: Json } {
    const notFound = { code: 404, body: status(404, 'NotFound', `${resourceOf(plural)} "${name}" not found`, { name, group: KINDS[plural]!.group, kind: plural }) };
    const current = this.get(plural, namespace, name);
    if (method === 'GET') return current ? { code: 200, body: current } : notFound;
    if (method !== 'PATCH') return { code: 405, body: status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`) };
    if (seen.contentType === 'application/merge-patch+json') {
      if (!current) return notFound;
      const patch = JSON.parse(text) as Json;
      seen.body = patch;
      // The status subresource takes only status; the main resource ignores status (the CRD has the subresource).
      const merged = mergePatch(current, sub === 'status' ? { status: patch.status } : { ...patch, status: undefined }) as Json;
      if (sub !== 'status') merged.status = current.status;
      if (sub !== 'status' && JSON.stringify(merged.spec) !== JSON.stringify(current.spec)) merged.metadata.generation = (current.metadata.generation ?? 1) + 1;
      this.put(plural, merged);
      return { code: 200, body: merged };
    }
    if (seen.contentType !== 'application/apply-patch+yaml') {
      return { code: 415, body: status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`) };
    }
    if (sub) return { code: 400, body: status(400, 'BadRequest', 'keelson applies main resources only') };
    if (!seen.query.fieldManager) {
      return { code: 422, body: status(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`) };
    }
    const object = parse(text) as Json;
    seen.body = object;
    const kind = KINDS[plural]!.kind;
    if (object.kind !== kind || object.metadata?.name !== name || (object.metadata?.namespace ?? namespace) !== namespace) {
      return { code: 400, body: status(400, 'BadRequest', `the object (${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}) does not match the URL (${kind} ${namespace}/${name})`) };
    }
    try {
      validateKubernetesObject(object);
    } catch (error) {
      return { code: 422, body: status(422, 'Invalid', `${kind}.${KINDS[plural]!.group || 'core'} "${name}" is invalid: ${(error as Error).message}`, { name, kind: plural }) };
    }
    const { metadata } = object;
    // Server-side apply merges: fields the patch leaves out keep their values (another manager's, e.g. the HPA's
    // replicas); maps merge key by key, lists are replaced whole (atomic, the simplification this fake makes).
    const content = current ? (mergeApplied(withoutStatusAndMeta(current), withoutStatusAndMeta(object)) as Json) : withoutStatusAndMeta(object);
    const before = current ? JSON.stringify({ ...withoutStatusAndMeta(current), labels: current.metadata.labels }) : undefined;
    if (before === JSON.stringify({ ...content, labels: metadata.labels })) return { code: 200, body: current! };
    const stored: Json = {
      ...content,
      metadata: { ...metadata, namespace, uid: current?.metadata.uid ?? `uid-${name}`, generation: (current?.metadata.generation ?? 0) + 1, managedFields: [{ manager: seen.query.fieldManager, operation: 'Apply' }] },
      ...(current?.status ? { status: current.status } : {}),
    };
    if (current?.metadata.annotations) stored.metadata.annotations = current.metadata.annotations;
    this.put(plural, stored);
    return { code: current ? 200 : 201, body: stored };
  }
}

function mergeApplied(current: unknown, applied: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(current) || !isMap(applied)) return applied;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(applied)) merged[key] = mergeApplied(current[key], value);
  return merged;
}

function withoutStatusAndMeta(object: Json): Json {
  const rest = { ...object };
  delete rest.metadata;
  delete rest.status;
  return rest;
}

/** A metav1.Status. */
export function status(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Json = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) delete result[key];
    else if (value !== undefined) result[key] = mergePatch(result[key], value);
  }
  return result;
}
