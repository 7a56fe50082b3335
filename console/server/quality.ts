import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Quality } from '../api-schema.js';
import { parseExposition, type Sample } from '../../analysis/index.js';
import { SERVICE_METRICS as M } from '../../contract/metrics.js';
import type { InstanceRecord, PlatformState } from '../../platform/state.js';

/** Feedback series (the service's ground-truth metrics); absent from services that predate them. */
const FEEDBACK = 'model_feedback_total';
const REFERENCE_ACCURACY = 'model_reference_accuracy';
const SCRAPE_TIMEOUT_MS = 2_000;

type VersionQuality = Quality['versions'][number];

/**
 * Model quality per served version, read from the instances' own `/metrics` (what the judge and Prometheus read):
 * input drift (PSI per feature against the training reference), the live class mix beside the manifest's reference
 * mix, and live accuracy where clients sent labels (`model_feedback_total`).
 */
export async function modelQuality(state: PlatformState, fetchImpl: typeof fetch = fetch): Promise<Quality> {
  const serving = state.instances.filter((i) => i.status === 'ready' || i.status === 'starting');
  const versions = [...new Set(serving.map((i) => i.version))].sort();
  return {
    model: state.model,
    versions: await Promise.all(versions.map((v) => versionQuality(state, v, serving.filter((i) => i.version === v), fetchImpl))),
  };
}

async function versionQuality(state: PlatformState, version: string, instances: InstanceRecord[], fetchImpl: typeof fetch): Promise<VersionQuality> {
  const scrapes = await Promise.all(instances.map((i) => scrape(i.url, fetchImpl)));
  const errors = scrapes.flatMap((s, k) => (typeof s === 'string' ? [`${instances[k]!.name}: ${s}`] : []));
  const samples = scrapes.flatMap((s) => (typeof s === 'string' ? [] : s)).filter((s) => s.labels.model === state.model && s.labels.version === version);
  const sum = (name: string, key: string) => {
    const out = new Map<string, number>();
    for (const s of samples) if (s.name === name && s.labels[key] !== undefined) out.set(s.labels[key]!, (out.get(s.labels[key]!) ?? 0) + s.value);
    return out;
  };
  // Each instance has its own drift window; the largest PSI is the one to worry about.
  const drift = new Map<string, number>();
  for (const s of samples) if (s.name === M.inputDriftPsi && s.labels.feature && Number.isFinite(s.value)) drift.set(s.labels.feature, Math.max(drift.get(s.labels.feature) ?? 0, s.value));
  const predicted = sum(M.predictions, 'label');
  const total = [...predicted.values()].reduce((a, b) => a + b, 0);
  const reference = referenceMix(state, version);
  const labels = [...new Set([...predicted.keys(), ...Object.keys(reference)])].sort();
  const feedback = sum(FEEDBACK, 'outcome');
  const correct = feedback.get('correct') ?? 0;
  const incorrect = feedback.get('incorrect') ?? 0;
  const refAccuracy = samples.find((s) => s.name === REFERENCE_ACCURACY)?.value;
  return {
    version,
    roles: [...new Set(instances.map((i) => i.role))],
    instances: instances.map((i) => i.name),
    drift: [...drift].map(([feature, psi]) => ({ feature, psi: round(psi) })).sort((a, b) => a.feature.localeCompare(b.feature)),
    classMix: labels.map((label) => ({ label, live: total > 0 ? round((predicted.get(label) ?? 0) / total) : null, reference: reference[label] ?? null })),
    predictions: total,
    feedback: feedback.size > 0 ? { correct, incorrect, accuracy: correct + incorrect > 0 ? round(correct / (correct + incorrect)) : null } : null,
    referenceAccuracy: refAccuracy === undefined || !Number.isFinite(refAccuracy) ? null : round(refAccuracy),
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}

async function scrape(url: string, fetchImpl: typeof fetch): Promise<Sample[] | string> {
  try {
    const response = await fetchImpl(new URL('/metrics', url), { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return `GET /metrics answered ${response.status}`;
    return parseExposition(await response.text());
  } catch (error) {
    return `GET /metrics failed: ${(error as Error).message}`;
  }
}

/** The class mix of the version's training data (its manifest's `reference.predictions`), as fractions. */
function referenceMix(state: PlatformState, version: string): Record<string, number> {
  if (!state.platform) return {};
  try {
    const manifest = JSON.parse(readFileSync(join(resolve(state.platform.modelsDir), state.model, version, 'model.json'), 'utf8')) as { reference?: { predictions?: Record<string, number> } };
    return manifest.reference?.predictions ?? {};
  } catch {
    return {};
  }
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
