import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { ensureSampleModels, GENERATOR_VERSION, writeSampleModels } from '../../tools/samples/index.js';
import { versionFile } from './onnx-run.js';

const modelsDir = inject('modelsDir');
const scratch = mkdtempSync(join(tmpdir(), 'keelson-samples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fileBytes = (dir: string, version: string): string => readFileSync(versionFile(dir, version, 'model.onnx')).toString('base64');

/** Runs the real CLI; resolves with exit code and output. */
function keelson(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/keelson.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('writing the sample repository', () => {
  it('is deterministic: a fresh write produces byte-identical files to the shared test models', () => {
    const dir = join(scratch, 'fresh');
    const summary = writeSampleModels(dir);
    expect(summary.versions.map((v) => v.version)).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const version of ['1', '2', '3', '4', '5', '6']) {
      // A difference here after a code change usually means GENERATOR_VERSION (write-samples.ts) needs a bump.
      expect(fileBytes(dir, version), `model.onnx of version ${version}`).toBe(fileBytes(modelsDir, version));
      expect(readFileSync(versionFile(dir, version, 'model.json'), 'utf8'), `model.json of version ${version}`).toBe(readFileSync(versionFile(modelsDir, version, 'model.json'), 'utf8'));
    }
  });

  it('ensureSampleModels leaves current files alone and rewrites after a generator change or a missing file', async () => {
    const dir = join(scratch, 'ensure');
    expect((await ensureSampleModels(dir)).written).toBe(true);
    const before = statSync(versionFile(dir, '2', 'model.onnx')).mtimeMs;
    const again = await ensureSampleModels(dir);
    expect(again.written).toBe(false);
    expect(again.versions.map((v) => v.kind)).toEqual(['logistic', 'mlp', 'slow', 'shifted', 'incompatible', 'corrupt']);
    expect(statSync(versionFile(dir, '2', 'model.onnx')).mtimeMs).toBe(before);

    rmSync(versionFile(dir, '4', 'model.onnx'));
    expect((await ensureSampleModels(dir)).written).toBe(true);
    expect(fileBytes(dir, '4')).toBe(fileBytes(modelsDir, '4'));

    const stamp = join(dir, '.keelson-samples.json');
    const old = { ...JSON.parse(readFileSync(stamp, 'utf8')), generator: GENERATOR_VERSION - 1 };
    writeFileSync(stamp, JSON.stringify(old));
    expect((await ensureSampleModels(dir)).written).toBe(true);
  });

  it('`keelson models sample` run twice at once leaves a complete, valid repository; `models list --check` verifies it', async () => {
    const dir = join(scratch, 'cli');
    const runs = await Promise.all([keelson(['models', 'sample', '--out', dir, '--force']), keelson(['models', 'sample', '--out', dir, '--force'])]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/penguins:1\s+logistic\s+\d+\.\d%/);
      expect(run.stdout).toMatch(/penguins:6\s+corrupt/);
      expect(run.stderr).toContain('wrote penguins/3 (slow');
    }
    for (const version of ['1', '2', '3', '4', '5', '6']) expect(fileBytes(dir, version)).toBe(fileBytes(modelsDir, version));

    const list = await keelson(['models', 'list', '--models', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/penguins:2\s+ok\s+\d+\.\d%/);
    expect(list.stdout).toMatch(/penguins:6\s+MISMATCH/);
    const check = await keelson(['models', 'list', '--models', dir, '--check']);
    expect(check.code).toBe(2);

    const missing = await keelson(['models', 'list', '--models', join(scratch, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--models');
  });
});
