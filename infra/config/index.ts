/** Reads the stack configuration (`keelson:*`) from Pulumi; secrets stay secret Outputs. */
import * as pulumi from '@pulumi/pulumi';
import { InfraConfigError, resolveSettings, type InfraSettings } from './settings.js';

export interface StackConfig {
  settings: InfraSettings;
  /** Kubeconfig of an existing cluster (`keelson:kubeconfig`). */
  kubeconfig?: pulumi.Output<string>;
  grafanaAdminPassword: pulumi.Output<string>;
  /** JSON array of Alertmanager receivers (`keelson:alertmanagerReceivers`). */
  alertmanagerReceivers?: pulumi.Output<string>;
  /** Bearer tokens for Pulumi to put into the `inferenceAuth` Secret (`keelson:inferenceTokens`, secret). */
  inferenceTokens?: pulumi.Output<string>;
}

/** Settings for the current stack; throws naming the key when one is invalid. */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config('keelson');
  const settings = resolveSettings((key) => config.get(key), pulumi.getStack());
  const inferenceTokens = config.getSecret('inferenceTokens');
  if (inferenceTokens && !settings.inferenceAuth) {
    throw new InfraConfigError('inferenceAuth', undefined, '{"secretName": "<name>"} with keelson:inferenceTokens: the tokens need a Secret to go into, and the pods a Secret to mount');
  }
  return {
    settings,
    kubeconfig: settings.provider === 'existing' ? config.requireSecret('kubeconfig') : undefined,
    grafanaAdminPassword: config.requireSecret('grafanaAdminPassword'),
    alertmanagerReceivers: config.getSecret('alertmanagerReceivers'),
    inferenceTokens,
  };
}
