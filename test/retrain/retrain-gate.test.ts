import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeCandidate } from '../../retrain/gate.js';
import type { RetrainedManifest } from '../../retrain/retrain.js';
import { signatureProblems } from '../../service/src/models/signature-check.js';
import { readModelVersion } from '../../service/src/repository/read-version.js';
import { createOnnxSession } from '../../service/src/runtime/onnx-session.js';
import { loadPenguins } from '../../tools/penguins.js';
import { keelson, scratch, writeFeedbackLog } from './helpers.js';

describe('the gate (pure)', () => {
  const live = { heldOut: 0.988, traffic: 0.97 };
  it('accepts a candidate as good as the live version, or within the tolerance', () => {
    expect(judgeCandidate(live, live, 0).kind).toBe('accepted');
    expect(judgeCandidate(live, { heldOut: 0.98, traffic: 0.965 }, 0.01).kind).toBe('accepted');
  });
  it('refuses when either set falls below live minus tolerance, naming the set', () => {
    const heldOut = judgeCandidate(live, { heldOut: 0.97, traffic: 1 }, 0.01);
    expect(heldOut).toMatchObject({ kind: 'refused', reasons: ['held-out accuracy 97.0% is below the live 98.8% minus the tolerance 1.0%'] });
    const traffic = judgeCandidate(live, { heldOut: 1, traffic: 0.9 }, 0.01);
    expect(traffic).toMatchObject({ kind: 'refused', reasons: [expect.stringMatching(/^traffic accuracy 90\.0% is below/)] });
  });
});

describe('keelson models retrain on a feedback log of real penguin rows', () => {
  it('correct labels: passes the gate, writes a version with lineage that loads in onnxruntime-node and passes models list --check', async () => {
    const { root, models } = scratch();
    const log = join(root, 'log');
    writeFeedbackLog(log, 400);
    const run = await keelson(['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', log, '--live', '2']);
    expect(run.stderr).toMatch(/training the candidate .* on 480 rows: 256 original \+ 224 labelled \(76 held-out duplicates left out, newest 100 kept for evaluation\)/);
    expect(run.code, run.stderr).toBe(0);
    // One held-out penguin is 1.2 points: this candidate loses one borderline penguin, within the default tolerance.
    expect(run.stdout).toMatch(/^held-out\s+86\s+98\.8%\s+97\.7%\s+-1\.2$/m);
    expect(run.stdout).toMatch(/^traffic\s+100\s+100\.0%\s+100\.0%\s+\+0\.0$/m);
    expect(run.stdout).toMatch(/gate: passed \(tolerance 2\.0%\)/);

    const files = await readModelVersion(models, { name: 'penguins', version: '5' });
    if (!files.ok) throw new Error(files.reason);
    const session = await createOnnxSession(files.bytes, { intraOpNumThreads: 1 });
    try {
      expect(signatureProblems(files.manifest, session.signature)).toEqual([]);
      const penguins = loadPenguins();
      const out = await session.run({ features: { datatype: 'FP32', shape: [penguins.length, 4], data: Float32Array.from(penguins.flatMap((p) => p.features)) } });
      const right = Array.from(out.label!.data as BigInt64Array, Number).filter((label, i) => label === penguins[i]!.label).length;
      expect(right / penguins.length).toBeGreaterThan(0.97);
    } finally {
      await session.release();
    }

    const manifest = files.manifest as RetrainedManifest;
    const parent = JSON.parse(readFileSync(join(models, 'penguins', '2', 'model.json'), 'utf8')) as { sha256: string };
    const logSha = createHash('sha256').update(readFileSync(join(log, 'feedback.ndjson'))).digest('hex');
    expect(manifest.lineage).toMatchObject({
      tool: 'keelson models retrain',
      parent: { name: 'penguins', version: '2', sha256: parent.sha256 },
      data: { original: { rows: 256 }, files: [{ path: join(log, 'feedback.ndjson'), sha256: logSha, rows: 400, skipped: { otherModel: 0, noFeatures: 0 } }] },
      rows: { original: 256, labelled: 400, labelledTrained: 224, heldOutDuplicates: 76, traffic: 100, heldOut: 86 },
    });
    expect(manifest.metrics).toMatchObject({ accuracy: manifest.gate.candidate.heldOut, trafficAccuracy: manifest.gate.candidate.traffic });
    expect(manifest.gate.live).toEqual({ heldOut: 85 / 86, traffic: 1 });

    const list = await keelson(['models', 'list', '--models', models, '--check']);
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^penguins:5\s+ok\s+97\.7%\s+Retrained from penguins:2/m);
  });

  it('every label flipped (poisoned): refused with the comparison table, exit 2, nothing written', async () => {
    const { root, models } = scratch();
    const log = join(root, 'log');
    writeFeedbackLog(log, 400, 1);
    const before = readdirSync(join(models, 'penguins'));
    const run = await keelson(['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', log, '--live', '2']);
    expect(run.code, run.stderr).toBe(2);
    const heldOut = /^held-out\s+86\s+98\.8%\s+(\d+\.\d)%\s+(-\d+\.\d)$/m.exec(run.stdout);
    expect(heldOut, run.stdout).not.toBeNull();
    expect(Number(heldOut![1])).toBeLessThan(90);
    expect(run.stdout).toMatch(/^traffic\s+100\s+0\.0%\s+\d+\.\d%/m);
    expect(run.stdout).toMatch(/gate: refused \(tolerance 2\.0%\): held-out accuracy .* is below the live 98\.8%/);
    expect(run.stderr).toMatch(/the candidate is not as good as penguins:2; nothing written/);
    expect(readdirSync(join(models, 'penguins'))).toEqual(before);
  });

  it('without --live, the highest version that verifies is the one to beat (here the shifted 4)', async () => {
    const { root, models } = scratch();
    const log = join(root, 'log');
    writeFeedbackLog(log, 200);
    const run = await keelson(['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', log, '--as', 'retrained-1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/LIVE penguins:4\s+CANDIDATE penguins:retrained-1/);
    expect(readdirSync(join(models, 'penguins')).sort()).toEqual(['2', '4', 'retrained-1']);
  });
});
