/** `keelson render` as a user runs it: the real CLI process on the committed deploy specs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-render-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keelson(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/keelson.mjs', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keelson render', () => {
  it('prints the production objects as one multi-document YAML', () => {
    const { status, stdout, stderr } = keelson(['render', '--env', 'production']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as { kind: string; metadata: { name: string; namespace: string } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain('Rollout/keelson');
    expect(objects.map((o) => o.kind)).toContain('AnalysisTemplate');
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['keelson']));
  });

  it('writes one <kind>-<name>.yaml per object with --out', () => {
    const out = join(dir, 'objects');
    const { status, stderr } = keelson(['render', '--env', 'production', '--out', out, '--namespace', 'ml']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('rollout-keelson.yaml');
    expect(files).toContain('analysistemplate-keelson-judge.yaml');
    expect(files).toContain('deployment-keelson-judge.yaml');
    expect(files).toContain('service-keelson-judge.yaml');
    expect(files).toHaveLength(15);
    const template = parse(readFileSync(join(out, 'analysistemplate-keelson-judge.yaml'), 'utf8')) as { spec: { metrics: { provider: { web: { url: string } } }[] } };
    expect(template.spec.metrics[0]!.provider.web.url).toBe('http://keelson-judge.ml.svc:8080/v1/judge');
  });

  it('refuses the local spec (no image) with a message naming the field, exit 1', () => {
    const { status, stdout, stderr } = keelson(['render', '--env', 'local']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('deploy/local.yaml: invalid deploy spec');
    expect(stderr).toContain('service.image = (missing): expected an image pinned by digest');
  });
});
