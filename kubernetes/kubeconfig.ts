/**
 * Where the cluster's address and credentials come from, in kubectl's order: `--kubeconfig`, `KUBECONFIG`,
 * `~/.kube/config`, then the pod's service account (in-cluster). Loaded by client-node's `KubeConfig`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesError } from './errors.js';

export interface KubeConfigOptions {
  /** `--kubeconfig FILE`: used alone when given. */
  kubeconfig?: string;
  /** `--context NAME`; default: the kubeconfig's current context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The service account token of a pod; its presence (with KUBERNETES_SERVICE_HOST) means in-cluster. */
  serviceAccountToken?: string;
}

/** A loaded kubeconfig and what to name in messages: never the credentials themselves. */
export interface ClusterAccess {
  config: KubeConfig;
  /** `--kubeconfig /x`, `KUBECONFIG=/a:/b`, `~/.kube/config (/home/u/.kube/config)` or `in-cluster service account`. */
  source: string;
  context: string;
  server: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Loads the kubeconfig the options and environment point at; a `config` KubernetesError says where it looked. */
export function loadClusterAccess(options: KubeConfigOptions = {}): ClusterAccess {
  const env = options.env ?? process.env;
  const config = new KubeConfig();
  const source = loadInto(config, options, env);
  if (options.context !== undefined) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new KubernetesError('config', `--context ${options.context}: no such context in ${source} (contexts: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new KubernetesError('config', `${source}: current context "${config.getCurrentContext()}" names no cluster: pass --context NAME or fix the kubeconfig`);
  }
  return { config, source, context: config.getCurrentContext(), server: cluster.server };
}

function loadInto(config: KubeConfig, options: KubeConfigOptions, env: NodeJS.ProcessEnv): string {
  if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) throw new KubernetesError('config', `--kubeconfig ${options.kubeconfig}: no such file`);
    loadFile(config, options.kubeconfig, `--kubeconfig ${options.kubeconfig}`);
    return `--kubeconfig ${options.kubeconfig}`;
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((file) => existsSync(file));
    if (present.length === 0) throw new KubernetesError('config', `KUBECONFIG=${env.KUBECONFIG}: none of these files exists`);
    const source = `KUBECONFIG=${env.KUBECONFIG}`;
    loadFile(config, present[0]!, source);
    for (const file of present.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, file, source);
      // kubectl's rule: the first file that sets current-context wins.
      config.mergeConfig(more, config.getCurrentContext() !== '');
    }
    return source;
  }
  const home = join(options.home ?? homedir(), '.kube', 'config');
  if (existsSync(home)) {
    loadFile(config, home, `~/.kube/config (${home})`);
    return `~/.kube/config (${home})`;
  }
  const token = options.serviceAccountToken ?? SERVICE_ACCOUNT_TOKEN;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(token)) {
    config.loadFromCluster();
    return 'in-cluster service account';
  }
  throw new KubernetesError(
    'config',
    `no kubeconfig: looked at --kubeconfig (not given), KUBECONFIG (unset), ${home} (no such file) and the in-cluster service account ` +
      `(${env.KUBERNETES_SERVICE_HOST ? `no ${token}` : 'KUBERNETES_SERVICE_HOST unset'}): pass --kubeconfig FILE or set KUBECONFIG`,
  );
}

/** Only the first line of a parse error: YAML errors quote the document, which may hold a token. */
function loadFile(config: KubeConfig, file: string, source: string): void {
  try {
    config.loadFromFile(file);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    throw new KubernetesError('config', `${source}: not a readable kubeconfig (${first})`);
  }
}
