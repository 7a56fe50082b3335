/** Specs of the ECK custom resources: Elasticsearch, Kibana, and the index lifecycle policy. Pure. */
import { SYSTEM_NODE_LABELS } from '../gpu/scheduling.js';

/** Name of the Elasticsearch and Kibana objects (ECK derives `keelson-es-http`, `keelson-kb-http`). */
export const ELASTIC_NAME = 'keelson';
/** ILM policy the Filebeat data stream uses. */
export const ILM_POLICY_NAME = 'keelson-logs';

export interface ElasticsearchInput {
  version: string;
  count: number;
  storageSize: string;
  storageClassName?: string;
  systemNodes: boolean;
}

/** Elasticsearch spec: one node set with persistent storage. */
export function elasticsearchSpec(input: ElasticsearchInput) {
  return {
    version: input.version,
    nodeSets: [
      {
        name: 'default',
        count: input.count,
        // mmap needs vm.max_map_count raised on the host; without it Elasticsearch still runs with niofs.
        config: { 'node.store.allow_mmap': false },
        podTemplate: {
          spec: {
            ...(input.systemNodes ? { nodeSelector: { ...SYSTEM_NODE_LABELS } } : {}),
            containers: [
              { name: 'elasticsearch', resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } } },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'elasticsearch-data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: input.storageSize } },
              ...(input.storageClassName ? { storageClassName: input.storageClassName } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** Kibana spec, connected to the Elasticsearch above. */
export function kibanaSpec(version: string, count: number, systemNodes: boolean) {
  return {
    version,
    count,
    elasticsearchRef: { name: ELASTIC_NAME },
    podTemplate: {
      spec: {
        ...(systemNodes ? { nodeSelector: { ...SYSTEM_NODE_LABELS } } : {}),
        containers: [{ name: 'kibana', resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } } }],
      },
    },
  };
}

/** ILM policy: roll over daily or at 50 GB per primary shard, delete after `retentionDays`. */
export function ilmPolicy(retentionDays: number) {
  return {
    policy: {
      phases: {
        hot: { min_age: '0ms', actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
      },
    },
  };
}
