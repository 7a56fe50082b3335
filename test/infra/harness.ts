/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks` (no cloud, no CLI) and records every resource
 * it registers. Call once per test file: the program is an ES module and runs once per process.
 */
import * as pulumi from '@pulumi/pulumi';

/** Untyped JSON as the engine passes it; tests read it with plain property access. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON
export type Json = any;

/** One registered resource as the engine would see it. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, Json>;
  provider?: string;
  /** `ignoreChanges` of the resource options. */
  ignoreChanges?: string[];
  /** `type::name` of every explicit `dependsOn` resource. */
  dependsOn: string[];
  /** Dotted paths of the inputs that reached the engine as secrets (`stringData.tokens`). */
  secretPaths: string[];
}

/** The program's resource graph plus its stack outputs (resolved). */
export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are secrets. */
  secretOutputs: string[];
}

const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Inputs as the engine receives them, with secret wrappers removed so tests read the values. */
function unwrapSecrets(value: unknown): Json {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Where secret wrappers sit in the inputs the engine received. */
function secretPaths(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return [path];
  return Object.entries(record).flatMap(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k));
}

/** Outputs that providers compute and later code reads (a kubeconfig, an endpoint). */
function computedState(type: string, inputs: Record<string, Json>): Record<string, unknown> {
  switch (type) {
    case 'eks:index:Cluster':
      return { kubeconfigJson: JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [] }) };
    case 'gcp:container/cluster:Cluster':
      return { endpoint: '203.0.113.10', masterAuth: { clusterCaCertificate: 'Q0E=' }, name: inputs.name };
    default:
      return {};
  }
}

/** Sets config (keys without the `keelson:` prefix) and mocks, imports the program, resolves its exports. */
export async function runProgram(stack: string, config: Record<string, string>, secretKeys: string[] = []): Promise<ProgramRun> {
  const resources: RecordedResource[] = [];
  // Mocks do not see resource options; a stack transformation does (it runs in-process, before registration).
  const names = new WeakMap<pulumi.Resource, string>();
  const options = new Map<string, { ignoreChanges?: string[]; dependsOn: unknown[] }>();
  const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(':') ? k : `keelson:${k}`, v]));
  pulumi.runtime.setAllConfig(prefixed, secretKeys.map((k) => `keelson:${k}`));
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs), provider: args.provider, dependsOn: [], secretPaths: secretPaths(args.inputs) });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.inputs) } };
      },
      call(args) {
        return args.inputs;
      },
    },
    'keelson',
    stack,
    false,
  );
  let program: Record<string, unknown> = {};
  // Inside the root Stack resource, as `pulumi up` runs a program, so stack transformations apply.
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const key = `${args.type}::${args.name}`;
      names.set(args.resource, key);
      const dependsOn = args.opts.dependsOn === undefined ? [] : ([] as unknown[]).concat(args.opts.dependsOn);
      options.set(key, { ignoreChanges: args.opts.ignoreChanges, dependsOn });
      return undefined;
    });
    program = (await import('../../infra/index.js')) as Record<string, unknown>;
    return undefined;
  });
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(program)) {
    if (!pulumi.Output.isInstance(value)) {
      outputs[key] = value;
      continue;
    }
    outputs[key] = await new Promise((resolve) => value.apply(resolve));
    if (await pulumi.isSecret(value)) secretOutputs.push(key);
  }
  // Registrations are asynchronous: wait until every outstanding one has reached the mocks.
  await pulumi.runtime.disconnect();
  for (const resource of resources) {
    const recorded = options.get(`${resource.type}::${resource.name}`);
    resource.ignoreChanges = recorded?.ignoreChanges;
    resource.dependsOn = (recorded?.dependsOn ?? []).map((r) => names.get(r as pulumi.Resource) ?? '(unknown)');
  }
  return { resources, outputs, secretOutputs };
}

/** Resources of one type token. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** Kubernetes objects (including custom resources) by `kind`. */
export function ofKind(run: ProgramRun, kind: string): RecordedResource[] {
  return run.resources.filter((r) => r.type.startsWith('kubernetes:') && r.inputs.kind === kind);
}

/** Exactly one resource of a kind named `name`; throws listing what exists otherwise. */
export function single(run: ProgramRun, kind: string, name?: string): RecordedResource {
  const found = ofKind(run, kind).filter((r) => name === undefined || r.inputs.metadata?.name === name);
  if (found.length !== 1) {
    const names = ofKind(run, kind).map((r) => r.inputs.metadata?.name);
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length} (have: ${names.join(', ')})`);
  }
  return found[0]!;
}
