/**
 * `deploy/<environment>.yaml`: the desired state in git. The GitOps agent (issue 6) rolls it out and the
 * Pulumi program (`infra/`) deploys the service image it names. Extend `deploySpecObject` for new fields;
 * `parseDeploySpec` turns every problem into a message naming the field, the value and the expectation.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { EXECUTION_PROVIDERS } from './execution-providers.js';

/** `name@sha256:<64 hex>` (an optional `:tag` before the digest is allowed and ignored by runtimes). */
export const DIGEST_PINNED_IMAGE = /^[a-z0-9][a-z0-9._\-/:]*@sha256:[0-9a-f]{64}$/;

/** True when an image reference is pinned by content digest rather than by a mutable tag. */
export const isDigestPinned = (image: string): boolean => DIGEST_PINNED_IMAGE.test(image);

/** A duration with its unit (`30s`, `1m30s`), kept as text: the rollout policy reads it. */
const duration = (example: string) =>
  z.string().refine((text) => parseDuration(text, 'rejected') !== undefined, { error: `a duration such as ${example}` });

const quantity = z
  .union([z.string().regex(/^\d+(?:\.\d+)?(?:m|k|M|G|T|Ki|Mi|Gi|Ti)?$/), z.number().positive()], {
    error: 'a Kubernetes quantity such as "500m", "1", "512Mi"',
  })
  .transform(String);
const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

/** The plain object schema (no cross-field rules), for `.extend()` by other parts of keelson. */
export const deploySpecObject = z.strictObject({
  environment: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'a lower-case name like "local" or "production"' }),
  model: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'a model name (letters, digits, _ . -)' }),
    // YAML reads `version: 2` as a number; versions are strings everywhere else (Open Inference Protocol).
    version: z
      .union([z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/), z.number().int().nonnegative()], {
        error: 'a version such as "2"',
      })
      .transform(String),
    uri: z.string().min(1, { error: 'where the model comes from: a path or a URI' }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: '64 lower-case hex digits (sha256 of model.onnx)' }),
  }),
  service: z.strictObject({
    image: z.string().regex(DIGEST_PINNED_IMAGE, { error: 'an image pinned by digest: name@sha256:<64 hex digits>' }).optional(),
    replicas: z.number({ error: 'a whole number of replicas ≥ 1' }).int().min(1, { error: 'at least 1 replica' }),
    resources: z.strictObject({ requests: cpuMemory.optional(), limits: cpuMemory.optional() }).optional(),
    gpu: z.boolean({ error: 'true or false' }).default(false),
    /** onnxruntime execution providers in order of preference; a GPU service defaults to cuda,cpu (required). */
    executionProviders: z.array(z.enum(EXECUTION_PROVIDERS, { error: `one of ${EXECUTION_PROVIDERS.join(', ')}` })).min(1, { error: 'at least one provider, e.g. [cuda, cpu]' }).optional(),
  }),
  rollout: z.strictObject({
    steps: z
      .array(z.number().gt(0, { error: 'a percentage above 0' }).max(100, { error: 'a percentage ≤ 100' }))
      .min(1, { error: 'at least one traffic step, e.g. [5, 25, 50]' }),
    interval: duration('"30s" or "1m"'),
    minStepRequests: z.number().int().nonnegative({ error: 'a whole number of canary requests ≥ 0 (per step)' }),
    readyTimeout: duration('"2m"').optional(),
    analysisTimeout: duration('"10m"').optional(),
    drainTimeout: duration('"15s"').optional(),
    rollbackWindow: z.number().int().nonnegative({ error: 'a whole number ≥ 0 of earlier known-good versions (0: always analyse)' }).optional(),
    /** Judge policy: interpreted by the canary judge, opaque here. */
    judge: z.record(z.string(), z.unknown(), { error: 'a mapping of judge settings' }).optional(),
  }),
});

/** A validated desired state. */
export type DeploySpec = z.output<typeof deploySpecObject>;

/** Rules that span fields; run after the shape is valid. */
export function crossFieldProblems(spec: DeploySpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const steps = spec.rollout.steps;
  steps.forEach((step, i) => {
    if (i > 0 && step <= steps[i - 1]!) {
      problems.push({ path: `rollout.steps[${i}]`, value: step, expected: `a step above the previous one (${steps[i - 1]}): steps must increase` });
    }
  });
  if (spec.environment !== 'local' && spec.service.image === undefined) {
    problems.push({
      path: 'service.image',
      value: undefined,
      expected: `an image pinned by digest (required for environment "${spec.environment}"; only "local" may omit it)`,
    });
  }
  return problems;
}

/** One thing wrong with a spec. */
export interface SpecProblem {
  /** Dotted field path, e.g. `service.image` or `rollout.steps[1]`. */
  path: string;
  value: unknown;
  expected: string;
  /** Says it all instead of "<path> = <value>: expected <expected>" (a renamed field). */
  message?: string;
}

/** A desired state that cannot be used; `message` lists every problem. */
export class DeploySpecError extends Error {
  constructor(
    readonly source: string,
    readonly problems: SpecProblem[],
  ) {
    super(`${source}: invalid deploy spec\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`);
    this.name = 'DeploySpecError';
  }
}

/** "service.image = "nginx:latest": expected an image pinned by digest ...". */
export function describeProblem(p: SpecProblem): string {
  if (p.message) return p.message;
  if (!p.path) return `expected ${p.expected}`;
  const shown = p.value === undefined ? '(missing)' : JSON.stringify(p.value);
  return `${p.path} = ${shown}: expected ${p.expected}`;
}

/** Parses and validates YAML text; `source` (a path or `commit:path`) prefixes every message. */
export function parseDeploySpec(yamlText: string, source: string): DeploySpec {
  const doc = parseDocument(yamlText, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new DeploySpecError(
      source,
      doc.errors.map((e) => ({ path: '', value: undefined, expected: `valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw: unknown = doc.toJS();
  const result = deploySpecObject.safeParse(raw);
  if (!result.success) throw new DeploySpecError(source, withoutRenamedTwice(result.error.issues.flatMap((issue) => toProblems(issue, raw))));
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new DeploySpecError(source, problems);
  return result.data;
}

/** Reads `deploy/<environment>.yaml`; the `environment` field must match the file name. */
export function loadDeploySpec(path: string): DeploySpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeploySpecError(path, [{ path: '', value: undefined, expected: `a readable file (${(error as Error).message})` }]);
  }
  const spec = parseDeploySpec(text, path);
  const fromName = basename(path, extname(path));
  if (spec.environment !== fromName) {
    throw new DeploySpecError(path, [{ path: 'environment', value: spec.environment, expected: `"${fromName}" (the file name)` }]);
  }
  return spec;
}

/** Fields that changed name: a spec still using the old one is told the new one. */
const RENAMED_FIELDS: Readonly<Record<string, { now: string; what: string }>> = Object.freeze({
  'rollout.minRequests': { now: 'rollout.minStepRequests', what: "canary requests per step; the judge's own minimum is 'rollout.judge.minRequestsPerArm'" },
});

function toProblems(issue: z.core.$ZodIssue, raw: unknown): SpecProblem[] {
  const base = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = formatPath([...base, key]);
      const renamed = Object.hasOwn(RENAMED_FIELDS, path) ? RENAMED_FIELDS[path] : undefined;
      const value = valueAt(raw, [...base, key]);
      if (renamed) return { path, value, expected: `'${renamed.now}'`, message: `'${path}' was renamed to '${renamed.now}' (${renamed.what})` };
      return { path, value, expected: `no field "${key}" here (misspelt? see docs/configuration.md)` };
    });
  }
  const expected = issue.message.replace(/^Invalid input: expected /, '').replace(/^Invalid input/, 'a valid value');
  return [{ path: formatPath(base), value: valueAt(raw, base), expected }];
}

/** A renamed field is one problem, not two: the new name's "missing" goes when the old name says it. */
function withoutRenamedTwice(problems: SpecProblem[]): SpecProblem[] {
  const told = new Set(problems.filter((p) => p.message && Object.hasOwn(RENAMED_FIELDS, p.path)).map((p) => RENAMED_FIELDS[p.path]!.now));
  return problems.filter((p) => !(told.has(p.path) && p.value === undefined));
}

function formatPath(parts: string[]): string {
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function valueAt(raw: unknown, parts: string[]): unknown {
  let current = raw;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
