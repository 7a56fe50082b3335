/** `keelson render` as a user runs it: the real CLI process on the committed deploy specs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it("renders with a stack file's settings (--stack): its namespace, token Secret and log level", () => {
    const stack = join(dir, 'Pulumi.staging.yaml');
    writeFileSync(stack, ['config:', '  keelson:provider: existing', '  keelson:namespace: ml-staging', '  keelson:logLevel: warn', '  keelson:inferenceAuth: \'{"secretName":"staging-auth"}\'', ''].join('\n'));
    const { status, stdout, stderr } = keelson(['render', '--env', 'production', '--stack', stack]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as { kind: string; metadata: { namespace: string }; spec: { template: object } });
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['ml-staging']));
    const template = JSON.stringify(objects.find((o) => o.kind === 'Rollout')!.spec.template);
    expect(template).toContain('--auth-token-file');
    expect(template).toContain('staging-auth');
    expect(template).toContain('warn');
  });

  it('refuses a stack file with a bad setting, naming the file and the key, exit 1', () => {
    const stack = join(dir, 'Pulumi.bad.yaml');
    writeFileSync(stack, 'config:\n  keelson:provider: existing\n  keelson:maxReplicas: lots\n');
    const { status, stderr } = keelson(['render', '--env', 'production', '--stack', stack]);
    expect(status).toBe(1);
    expect(stderr).toContain(stack);
    expect(stderr).toContain('maxReplicas');
  });

  it('refuses the local spec (no image) with a message naming the field, exit 1', () => {
    const { status, stdout, stderr } = keelson(['render', '--env', 'local']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('deploy/local.yaml: invalid deploy spec');
    expect(stderr).toContain('service.image = (missing): expected an image pinned by digest');
  });
});
