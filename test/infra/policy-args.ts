/** Synthetic `ResourceValidationArgs` for calling a policy's `validateResource` directly. */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import type { Json } from './harness.js';

/** Arguments for a resource of `type` with `props`, as a stack named `stack` would send them. */
export function policyArgs(type: string, props: Record<string, Json>, stack = 'dev', name = 'test'): ResourceValidationArgs {
  return {
    type,
    props,
    name,
    urn: `urn:pulumi:${stack}::keelson::${type}::${name}`,
    opts: {},
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => ({}),
    notApplicable: () => undefined,
  } as unknown as ResourceValidationArgs;
}

/** Runs one policy and returns its violation messages. */
export async function violations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const found: string[] = [];
  const validators = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validators) await validate?.(args, (message) => found.push(message ?? '(no message)'));
  return found;
}
