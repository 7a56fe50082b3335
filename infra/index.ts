/**
 * keelson on Kubernetes: `pulumi up` builds (or adopts) a cluster and installs GPU support, monitoring,
 * logging, a gateway, Argo Rollouts and the inference service with its judge. This file only wires the components;
 * see docs/infrastructure.md.
 */
import { buildDashboards, buildRuleGroups } from '../dashboards/index.js';
import { loadDeploySpec } from '../contract/deploy-spec.js';
import { Cluster } from './cluster/cluster.js';
import { loadStackConfig } from './config/index.js';
import { stackRenderOptions } from './stack/render-options.js';
import { MONITORING_NAMESPACE } from './shared/names.js';
import { gpuDesiredNodes } from './config/settings.js';
import { GatewayController } from './gateway/gateway-controller.js';
import { gatewayPlan } from './gateway/plan.js';
import { GpuSupport } from './gpu/gpu-support.js';
import { Logging } from './logging/logging.js';
import { MONITORING_RELEASE, Monitoring } from './monitoring/monitoring.js';
import { judgeEndpoint } from './render/index.js';
import { ArgoRollouts } from './rollouts/argo-rollouts.js';
import { InferenceService } from './service/inference-service.js';

const LOGGING_NAMESPACE = 'logging';

const config = loadStackConfig();
const s = config.settings;
const spec = loadDeploySpec(s.deploySpecPath);
const cloud = s.provider !== 'existing';

const cluster = new Cluster('keelson', {
  provider: s.provider,
  eks: s.eks,
  gke: s.gke,
  gpu: { ...s.gpu, desiredNodes: gpuDesiredNodes(s.gpu, spec.service.gpu) },
  kubeconfig: config.kubeconfig,
  context: s.kubeContext,
  storageClass: s.logging.storageClass,
});
const inCluster = { providers: [cluster.provider] };

const monitoring = new Monitoring(
  'monitoring',
  {
    namespace: MONITORING_NAMESPACE,
    grafanaAdminPassword: config.grafanaAdminPassword,
    alertmanagerReceivers: config.alertmanagerReceivers,
    retention: s.monitoring.prometheusRetention,
    prometheusStorageSize: s.monitoring.prometheusStorageSize,
    grafanaStorageSize: s.monitoring.grafanaStorageSize,
    storageClassName: cluster.storageClassName,
    systemNodes: cloud,
    dashboards: buildDashboards({ kibanaUrl: s.kibanaUrl }),
    rules: buildRuleGroups(s.runbookBaseUrl ? { runbookBaseUrl: s.runbookBaseUrl } : {}),
  },
  inCluster,
);

const gpu = s.gpu.operator
  ? new GpuSupport(
      'gpu',
      { provider: s.provider, driverPreinstalled: s.gpu.driverPreinstalled, monitoringCrds: [monitoring.release], gpuNodes: cluster.gpuNodeGroup },
      inCluster,
    )
  : undefined;

const logging = s.logging.enabled
  ? new Logging(
      'logging',
      {
        namespace: LOGGING_NAMESPACE,
        elasticVersion: s.logging.elasticVersion,
        elasticNodeCount: s.logging.elasticNodeCount,
        storageSize: s.logging.storageSize,
        storageClassName: cluster.storageClassName,
        retentionDays: s.logging.retentionDays,
        kibanaCount: s.logging.kibanaCount,
        systemNodes: cloud,
      },
      inCluster,
    )
  : undefined;

const rollouts = new ArgoRollouts('rollouts', { plugin: s.rolloutsPlugin, systemNodes: cloud, monitoringCrds: [monitoring.release] }, inCluster);

const plan = gatewayPlan(s.provider, s.gatewayClassName, s.gatewayNamespace);
const gateway = new GatewayController('gateway', plan, inCluster);

const service = new InferenceService(
  'keelson',
  {
    // The same options `keelson deploy` renders from this stack's file, so a release never reverts a setting.
    ...stackRenderOptions(s),
    spec,
    specSource: s.deploySpecPath,
    gatewayClassName: gateway.gatewayClassName,
    gkeHealthChecks: plan.gkeHealthChecks,
    inferenceTokens: config.inferenceTokens,
    monitoringCrds: [monitoring.release],
    gatewayCrds: gateway.ready,
    rolloutsCrds: [rollouts.release],
  },
  { ...inCluster, dependsOn: gpu ? [gpu] : [] },
);

/** Kubeconfig of the cluster (secret): `pulumi stack output --show-secrets kubeconfig > kubeconfig.json`. */
export const kubeconfig = cluster.kubeconfig;
export const provider = s.provider;
export const serviceEndpoint = service.endpoint;
export const deployedModel = `${spec.model.name}:${spec.model.version}`;
export const deployedImage = spec.service.image;
export const grafanaUrl = 'http://localhost:3000';
export const grafanaPortForward = `kubectl -n ${MONITORING_NAMESPACE} port-forward svc/${MONITORING_RELEASE}-grafana 3000:80`;
export const grafanaInClusterUrl = monitoring.grafanaUrl;
export const prometheusInClusterUrl = monitoring.prometheusUrl;
/** The judge the AnalysisTemplate calls (`keelson judge serve`, shipped with each release). */
export const judgeInClusterUrl = judgeEndpoint(s.namespace);
export const kibanaUrl = logging ? 'https://localhost:5601' : undefined;
export const kibanaPortForward = logging ? `kubectl -n ${LOGGING_NAMESPACE} port-forward svc/keelson-kb-http 5601` : undefined;
export const kibanaInClusterUrl = logging?.kibanaUrl;
/** Kibana logs in as `elastic` with the password ECK generated. */
export const kibanaPasswordCommand = logging
  ? `kubectl -n ${LOGGING_NAMESPACE} get secret keelson-es-elastic-user -o jsonpath='{.data.elastic}' | base64 -d`
  : undefined;
