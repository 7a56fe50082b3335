/**
 * The renderer's options for a stack's settings: what `pulumi up` renders and what `keelson deploy` renders from the
 * same stack file (`Pulumi.<stack>.yaml`), so a release never reverts a stack setting. Pure.
 */
import { gatewayPlan } from '../gateway/plan.js';
import type { RenderOptions } from '../render/index.js';
import { MONITORING_NAMESPACE, prometheusUrl, ROLLOUTS_NAMESPACE } from '../shared/names.js';
import type { InfraSettings } from '../config/settings.js';

type Settled = 'namespace' | 'gatewaySource' | 'monitoringNamespace' | 'prometheusUrl' | 'rolloutsNamespace' | 'maxReplicas' | 'drainTimeoutMs' | 'preStopSleepMs' | 'logLevel';
export type StackRenderOptions = Required<Pick<RenderOptions, Settled>> & Pick<RenderOptions, 'hostname' | 'inferenceAuth' | 'tls'>;

export function stackRenderOptions(s: InfraSettings): StackRenderOptions {
  return {
    namespace: s.namespace,
    gatewaySource: gatewayPlan(s.provider, s.gatewayClassName, s.gatewayNamespace).source,
    monitoringNamespace: MONITORING_NAMESPACE,
    prometheusUrl: prometheusUrl(),
    rolloutsNamespace: ROLLOUTS_NAMESPACE,
    maxReplicas: s.maxReplicas,
    drainTimeoutMs: s.drainTimeoutMs,
    preStopSleepMs: s.preStopSleepMs,
    logLevel: s.logLevel,
    ...(s.hostname ? { hostname: s.hostname } : {}),
    ...(s.inferenceAuth ? { inferenceAuth: s.inferenceAuth } : {}),
    ...(s.tls ? { tls: s.tls } : {}),
  };
}
