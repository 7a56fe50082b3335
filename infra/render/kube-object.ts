/** The plain Kubernetes object the renderer yields: what `kubectl apply` and Pulumi's `yaml` resources take. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  /** Kinds with top-level fields besides `spec` (a ServiceAccount's `automountServiceAccountToken`). */
  [field: string]: unknown;
}

/** `rollout-keelson.yaml`: the file name `keelson render --out` gives an object. */
export function objectFileName(object: KubeObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}
