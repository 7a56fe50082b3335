/**
 * The inference endpoint must not be open in production: a bearer token on the service, TLS at the Gateway, or
 * both. A stack policy, because the answer depends on two resources (the Rollout's pod template and the Gateway).
 */
import type { StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { passesAuthTokenFile } from '../render/inference-auth.js';
import { containersOf, describe, podSpecOf, ROLLOUT_TYPE, stackOfUrn, type Props } from './workloads.js';

const GATEWAY_TYPE = 'kubernetes:gateway.networking.k8s.io/v1:Gateway';

/** What the policies see of a resource (`PolicyResource` minus what they do not read). */
export interface StackResource {
  type: string;
  props: Props;
  name: string;
  urn: string;
}

/** Whether a Gateway terminates TLS: an HTTPS listener with a certificate. */
function terminatesTls(gateway: Props): boolean {
  return (gateway.spec?.listeners ?? []).some((l: Props) => l.protocol === 'HTTPS' && (l.tls?.certificateRefs ?? []).length > 0);
}

/**
 * Every Rollout in an environment `wanted` accepts (production or not) whose pods pass no `--auth-token-file`, while
 * no Gateway of the stack terminates TLS: one message each, naming the settings that fix it.
 */
export function unprotectedEndpoints(resources: readonly StackResource[], wanted: (environment: string | undefined) => boolean): string[] {
  const tls = resources.some((r) => r.type === GATEWAY_TYPE && terminatesTls(r.props));
  if (tls) return [];
  return resources
    .filter((r) => r.type === ROLLOUT_TYPE && wanted(r.props.metadata?.labels?.['keelson.dev/environment'] ?? stackOfUrn(r.urn)))
    .filter((r) => !containersOf(podSpecOf(r.type, r.props) ?? {}).some((c) => passesAuthTokenFile(c.args)))
    .map(
      (r) =>
        `${describe(r.type, r.props, r.name)}: the inference endpoint has neither a bearer token (no container passes --auth-token-file) nor TLS at the Gateway (no HTTPS listener with tls.certificateRefs): ` +
        'expected keelson:inferenceAuth {"secretName": "<Secret with key tokens>"}, or keelson:tls {"secretName": "<kubernetes.io/tls Secret>"} with keelson:hostname, or both',
    );
}

const production = (environment: string | undefined) => environment === 'production';

function validate(wanted: (environment: string | undefined) => boolean) {
  return (args: StackValidationArgs, report: (message: string) => void) => {
    for (const message of unprotectedEndpoints(args.resources as unknown as StackResource[], wanted)) report(message);
  };
}

/** Production: refused. */
export const productionEndpointProtected: StackValidationPolicy = {
  name: 'keelson-production-endpoint-protected',
  description: 'In production, the inference endpoint requires a bearer token (--auth-token-file) or the Gateway terminates TLS.',
  enforcementLevel: 'mandatory',
  validateStack: validate(production),
};

/** Elsewhere: a warning, so a dev stack on kind still deploys. */
export const endpointProtectedAdvisory: StackValidationPolicy = {
  name: 'keelson-endpoint-protected',
  description: 'Outside production, an inference endpoint with neither a bearer token nor TLS is reported (advisory).',
  enforcementLevel: 'advisory',
  validateStack: validate((environment) => !production(environment)),
};
