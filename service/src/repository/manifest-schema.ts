import { z } from 'zod';
import type { ModelManifest } from '../manifest.js';
import { ALL_DATATYPES } from '../protocol/datatypes.js';
import { EXECUTION_PROVIDERS } from '../runtime/execution-providers.js';

const tensorSpec = z.object({
  name: z.string().min(1),
  datatype: z.enum(ALL_DATATYPES as [string, ...string[]]),
  shape: z.array(z.number().int().min(-1)),
});

const featureReference = z.object({
  edges: z.array(z.number()),
  fractions: z.array(z.number().min(0)),
}).refine((r) => r.fractions.length === r.edges.length + 1, { message: 'fractions must have one more entry than edges' });

/** Validates `model.json`; field names are those of `ModelManifest`. Unknown fields are kept. */
const manifestSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits'),
  description: z.string().optional(),
  features: z.array(z.string()),
  labels: z.array(z.string()).optional(),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
  labelOutput: z.string().optional(),
  metrics: z.record(z.string(), z.number().optional()).optional(),
  reference: z.object({
    features: z.record(z.string(), featureReference),
    predictions: z.record(z.string(), z.number()).optional(),
  }).optional(),
  batching: z.object({
    max_batch_size: z.number().int().min(0),
    max_queue_delay_us: z.number().int().min(0),
    max_queue_size: z.number().int().min(1).optional(),
  }).optional(),
  executionProviders: z.array(z.enum(EXECUTION_PROVIDERS)).min(1).optional(),
});

/** Parses a manifest or returns a one-line description of every problem (field path: message). */
export function parseManifest(json: unknown): { ok: true; manifest: ModelManifest } | { ok: false; reason: string } {
  const result = manifestSchema.safeParse(json);
  if (result.success) return { ok: true, manifest: result.data as ModelManifest };
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, reason: problems.slice(0, 5).join('; ') };
}
