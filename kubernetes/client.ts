/**
 * The cluster as keelson uses it: server-side apply, get, and the merge patches of `kubectl argo rollouts`. Requests
 * go over node:http(s) with the TLS material and Authorization header client-node's KubeConfig puts on them (exec
 * and auth-provider plugins included), so the wire format stays exactly what the API server documents.
 */
import http from 'node:http';
import https from 'node:https';
import { stringify } from 'yaml';
import type { KubeObject } from '../infra/render/kube-object.js';
import { KubernetesError } from './errors.js';
import type { ClusterAccess } from './kubeconfig.js';
import { objectPath, type KindRef } from './resources.js';
import { fromNetwork, fromStatus, type RequestContext, type Status } from './translate.js';

/** Field manager of every apply: `kubectl get -o yaml --show-managed-fields` shows these fields as keelson's. */
export const FIELD_MANAGER = 'keelson';

/** What keelson does with a cluster; tests and other drivers see only this. */
export interface Cluster {
  readonly server: string;
  readonly source: string;
  /**
   * Server-side apply: creates or updates the fields keelson applies; identical objects change nothing. Without
   * `force`, a field another manager set to another value is a 409 naming it; with it, keelson takes the field over.
   */
  apply(object: KubeObject, options?: { force?: boolean }): Promise<KubeObject>;
  /** The object, or undefined when it does not exist (a missing CRD is an error). */
  get<T>(ref: KindRef, namespace: string, name: string): Promise<T | undefined>;
  /** JSON merge patch of the main resource or a subresource (`status`). */
  mergePatch(ref: KindRef, namespace: string, name: string, patch: object, subresource?: string): Promise<void>;
}

export interface ClusterOptions {
  /** Per request; a watch-free client needs no long requests. */
  requestTimeoutMs?: number;
}

/** A Cluster on the API server a kubeconfig names. */
export function openCluster(access: ClusterAccess, options: ClusterOptions = {}): Cluster {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const base = new URL(access.server);
  const context = (ctx: Omit<RequestContext, 'server' | 'source'>): RequestContext => ({ ...ctx, server: access.server, source: access.source });

  async function send(method: string, path: string, query: Record<string, string>, ctx: RequestContext, body?: { type: string; text: string }) {
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body) headers['Content-Type'] = body.type;
    const opts: https.RequestOptions = { method, headers, timeout: timeoutMs };
    await access.config.applyToHTTPSOptions(opts).catch((error: unknown) => {
      throw credentialsError(error, access);
    });
    const answer = await new Promise<{ code: number; text: string }>((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, opts, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ code: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer in ${timeoutMs}ms`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body?.text);
    }).catch((error: unknown) => {
      throw fromNetwork(error, ctx);
    });
    if (answer.code >= 200 && answer.code < 300) return answer.text ? (JSON.parse(answer.text) as unknown) : undefined;
    throw fromStatus(answer.code, parseStatus(answer.text), ctx);
  }

  return {
    server: access.server,
    source: access.source,
    async apply(object, options = {}) {
      const namespace = object.metadata.namespace ?? 'default';
      const ctx = context({ verb: 'patch', ref: object, namespace, name: object.metadata.name });
      const text = stringify(object, { lineWidth: 0 });
      const query = { fieldManager: FIELD_MANAGER, ...(options.force ? { force: 'true' } : {}) };
      return (await send('PATCH', objectPath(object, namespace, object.metadata.name), query, ctx, { type: 'application/apply-patch+yaml', text })) as KubeObject;
    },
    async get<T>(ref: KindRef, namespace: string, name: string) {
      try {
        return (await send('GET', objectPath(ref, namespace, name), {}, context({ verb: 'get', ref, namespace, name }))) as T;
      } catch (error) {
        if (error instanceof KubernetesError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    async mergePatch(ref, namespace, name, patch, subresource) {
      const ctx = context({ verb: 'patch', ref, namespace, name, ...(subresource ? { subresource } : {}) });
      await send('PATCH', objectPath(ref, namespace, name, subresource), {}, ctx, { type: 'application/merge-patch+json', text: JSON.stringify(patch) });
    },
  };
}

/** client-node could not prepare the request (TLS files, an exec plugin, plain http): first line only, it may quote more. */
function credentialsError(error: unknown, access: ClusterAccess): KubernetesError {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  const http = access.server.startsWith('http:') ? ': client-node talks plain http only when the cluster entry sets insecure-skip-tls-verify: true' : '';
  return new KubernetesError('config', `${access.source}, context ${access.context}: cannot prepare a request to ${access.server} (${first})${http}`);
}

function parseStatus(text: string): Status {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Status) : { message: text.slice(0, 200) };
  } catch {
    return { message: text.slice(0, 200) };
  }
}
