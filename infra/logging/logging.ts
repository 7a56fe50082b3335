/** Logging: the ECK operator, Elasticsearch, Kibana and Filebeat shipping every container's logs. */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';
import { elasticsearchSpec, ELASTIC_NAME, ilmPolicy, kibanaSpec } from './elastic.js';
import { filebeatClusterRoleRules, filebeatSpec, FILEBEAT_NAME, ILM_CONFIG_MAP } from './filebeat.js';

const ECK_NAMESPACE = 'elastic-system';

export interface LoggingArgs {
  namespace: string;
  elasticVersion: string;
  elasticNodeCount: number;
  storageSize: string;
  storageClassName?: string;
  retentionDays: number;
  kibanaCount: number;
  systemNodes: boolean;
}

/** The ECK operator release plus the Elasticsearch, Kibana and Beat objects it manages. */
export class Logging extends pulumi.ComponentResource {
  readonly kibanaUrl: string;
  readonly elasticsearchUrl: string;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:logging:Logging', name, {}, opts);
    const operatorNs = new k8s.core.v1.Namespace(`${name}-operator-ns`, { metadata: { name: ECK_NAMESPACE } }, { parent: this });
    const operator = new k8s.helm.v3.Release(
      `${name}-eck`,
      { ...pinnedRelease(CHARTS.eckOperator), name: 'elastic-operator', namespace: ECK_NAMESPACE },
      { parent: this, dependsOn: [operatorNs] },
    );
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
    const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels: { 'app.kubernetes.io/part-of': 'keelson' } });
    const afterOperator = { parent: this, dependsOn: [ns, operator] };

    const elasticsearch = new k8s.apiextensions.CustomResource(
      `${name}-elasticsearch`,
      {
        apiVersion: 'elasticsearch.k8s.elastic.co/v1',
        kind: 'Elasticsearch',
        metadata: meta(ELASTIC_NAME),
        spec: elasticsearchSpec({
          version: args.elasticVersion,
          count: args.elasticNodeCount,
          storageSize: args.storageSize,
          storageClassName: args.storageClassName,
          systemNodes: args.systemNodes,
        }),
      },
      afterOperator,
    );
    const kibana = new k8s.apiextensions.CustomResource(
      `${name}-kibana`,
      { apiVersion: 'kibana.k8s.elastic.co/v1', kind: 'Kibana', metadata: meta(ELASTIC_NAME), spec: kibanaSpec(args.elasticVersion, args.kibanaCount, args.systemNodes) },
      { ...afterOperator, dependsOn: [ns, operator, elasticsearch] },
    );

    const account = new k8s.core.v1.ServiceAccount(`${name}-filebeat`, { metadata: meta(FILEBEAT_NAME) }, { parent: this, dependsOn: [ns] });
    const role = new k8s.rbac.v1.ClusterRole(`${name}-filebeat`, { metadata: { name: 'keelson-filebeat' }, rules: filebeatClusterRoleRules() }, { parent: this });
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-filebeat`,
      {
        metadata: { name: 'keelson-filebeat' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
        subjects: [{ kind: 'ServiceAccount', name: FILEBEAT_NAME, namespace: args.namespace }],
      },
      { parent: this },
    );
    const policy = new k8s.core.v1.ConfigMap(
      `${name}-ilm`,
      { metadata: meta(ILM_CONFIG_MAP), data: { 'ilm-policy.json': JSON.stringify(ilmPolicy(args.retentionDays)) } },
      { parent: this, dependsOn: [ns] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-filebeat`,
      { apiVersion: 'beat.k8s.elastic.co/v1beta1', kind: 'Beat', metadata: meta(FILEBEAT_NAME), spec: filebeatSpec(args.elasticVersion) },
      { parent: this, dependsOn: [ns, operator, elasticsearch, kibana, account, binding, policy] },
    );

    this.kibanaUrl = `https://${ELASTIC_NAME}-kb-http.${args.namespace}.svc:5601`;
    this.elasticsearchUrl = `https://${ELASTIC_NAME}-es-http.${args.namespace}.svc:9200`;
    this.registerOutputs({ kibanaUrl: this.kibanaUrl, elasticsearchUrl: this.elasticsearchUrl });
  }
}
