/** `keelson deploy` as a user runs it: the real CLI process against the fake API server, through a generated kubeconfig. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseDeploySpec } from '../../contract/deploy-spec.js';
import { isReleaseObject, renderService } from '../../infra/render/index.js';
import { validateKubernetesObject } from '../infra/schemas.js';
import { abortedByAnalysis, abortedByPerson, healthy, healthyStatus, inconclusive, measure, rollsBackOnAbort, scriptArgo, stepStarts } from '../kubernetes/argo-script.js';
import { FakeApiServer, type FakeOptions } from '../kubernetes/fake-api-server.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'fake-token-DO-NOT-PRINT-7f3a9c';
const DIGEST = `ghcr.io/keelson-dev/keelson@sha256:${'a'.repeat(64)}`;
const OLD_DIGEST = `ghcr.io/keelson-dev/keelson@sha256:${'b'.repeat(64)}`;
const specText = (image: string) =>
  readFileSync(join(repoRoot, 'deploy', 'production.yaml'), 'utf8').replace(/image: .*/, `image: ${image}`).replace('interval: 1m', 'interval: 1m');
const specFile = (image: string) => {
  const sub = mkdtempSync(join(dir, 'spec-'));
  const file = join(sub, 'production.yaml');
  writeFileSync(file, specText(image));
  return file;
};
const rendered = (image: string) => renderService(parseDeploySpec(specText(image), 'production.yaml'), { namespace: 'keelson' });
/** What a deploy applies to a cluster where the objects exist: the release objects, the Rollout without the HPA's replicas. */
const releaseApplied = (image: string) =>
  rendered(image)
    .filter(isReleaseObject)
    .map((o) => (o.kind === 'Rollout' ? { ...o, spec: Object.fromEntries(Object.entries(o.spec as object).filter(([key]) => key !== 'replicas')) } : o));

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function startFake(options: Partial<FakeOptions> = {}): Promise<{ fake: FakeApiServer; kubeconfig: string }> {
  fake = new FakeApiServer({ token: TOKEN, ...options });
  const url = await fake.start();
  const kubeconfig = join(mkdtempSync(join(dir, 'kube-')), 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      // client-node talks plain http only with insecure-skip-tls-verify (its createAgent refuses otherwise).
      'clusters: [{name: fake, cluster: {server: "' + url + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: deployer, user: {token: ' + TOKEN + '}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: deployer}}]',
    ].join('\n'),
  );
  return { fake, kubeconfig };
}

/** Seeds the fake with objects applied as keelson would, and the Rollout's status. */
function seed(f: FakeApiServer, image: string, status: Record<string, unknown>): void {
  for (const object of rendered(image)) {
    const plural = `${object.kind.toLowerCase()}s`.replace(/ys$/, 'ies');
    const stored = JSON.parse(JSON.stringify(object)) as { metadata: Record<string, unknown>; status?: unknown };
    stored.metadata = { ...stored.metadata, generation: 1, annotations: { 'rollout.argoproj.io/revision': '1' } };
    if (object.kind === 'Rollout') stored.status = status;
    f.put(plural, stored);
  }
}

function keelson(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/keelson.mjs', ...args], { cwd: repoRoot, env: { ...process.env, KEELSON_PROGRESS: 'plain', KUBECONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      expect(stdout + stderr).not.toContain(TOKEN);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)!;
const fast = ['--poll-interval', '20ms', '--retry-for', '1s', '--timeout', '30s'];
const WEIGHTS = [5, 25, 50];

describe('keelson deploy', () => {
  it('applies the release objects (forced), keeps the stack objects, follows the Rollout through its steps and exits 0 when promoted', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, healthyStatus(1));
    scriptArgo(fake, [
      ...WEIGHTS.flatMap((w, i) => [stepStarts(i, w), measure(i, 'continue', [`step ${i + 1}: not enough requests yet`]), measure(i, 'promote', ['no regression found'])]),
      healthy,
    ]);
    const summary = join(dir, 'promoted.md');
    const { code, stdout, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, '--summary', summary, ...fast]);
    expect(stderr).toContain('step 2/3: experiment with the canary and a matched baseline at 25% each');
    expect(stderr).toContain('weights: stable 50%, canary 0%, experiment arms 50%');
    expect(stderr).toContain('judge at step 3: promote (Successful): no regression found');
    expect(code).toBe(0);
    expect(lastLine(stdout)).toBe(`promoted ${DIGEST} (model penguins:2, revision 2) in keelson`);

    // The release objects are the pipeline's (forced over Pulumi's manager); the Services, route and policies stay the stack's.
    const applies = fake.seen.filter((s) => s.contentType === 'application/apply-patch+yaml');
    expect(applies.map((s) => s.query)).toEqual(applies.map(() => ({ fieldManager: 'keelson', force: 'true' })));
    expect(fake.applied()).toEqual(releaseApplied(DIGEST));
    expect(fake.get('rollouts', 'keelson', 'keelson')!.spec.replicas).toBe(3);
    for (const object of fake.applied()) expect(() => validateKubernetesObject(object)).not.toThrow();
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('✅ promoted');
    expect(md).toContain(`| image | \`${DIGEST}\` |`);
    expect(md).toContain('| 2/3 | 25% | continue → promote: no regression found |');
  });

  it('exits 2 when the judge rolls back, with its reasons on the last line and in the summary', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, healthyStatus(1));
    const reasons = ['error rate 4.1% vs baseline 0.3% (sequential test, p < 0.001)'];
    scriptArgo(fake, [stepStarts(0, 5), measure(0, 'promote', ['fine']), stepStarts(1, 25), measure(1, 'rollback', reasons), abortedByAnalysis(1)]);
    const summary = join(dir, 'rolled-back.md');
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, '--summary', summary, ...fast]);
    expect(code).toBe(2);
    expect(lastLine(stderr)).toBe(`keelson: rolled back ${DIGEST} (model penguins:2): the judge rolled back the canary at step 2/3: ${reasons[0]}`);
    expect(readFileSync(summary, 'utf8')).toContain(`**Reason:** the judge rolled back the canary at step 2/3: ${reasons[0]}`);
  });

  it('exits 2 and says a person aborted when status.abort arrives with no failed analysis', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, healthyStatus(1));
    scriptArgo(fake, [stepStarts(0, 5), measure(0, 'continue', ['collecting']), abortedByPerson]);
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(2);
    expect(lastLine(stderr)).toContain('a person aborted the Rollout (status.abort set, no analysis failed): RolloutAborted: Rollout aborted update to revision 2');
  });

  it('aborts a Rollout paused without a verdict (InconclusiveExperiment) and exits 2', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, healthyStatus(1));
    scriptArgo(fake, [stepStarts(0, 5), measure(0, 'continue', ['only 120 of 500 canary requests']), inconclusive(0), rollsBackOnAbort]);
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    const aborts = fake.seen.filter((s) => s.method === 'PATCH' && s.path.endsWith('/rollouts/keelson/status'));
    expect(aborts).toEqual([expect.objectContaining({ contentType: 'application/merge-patch+json', body: { status: { abort: true } } })]);
    expect(stderr).toContain('paused: InconclusiveExperiment: the judge reached no verdict before the analysis timeout; aborting the Rollout');
    expect(code).toBe(2);
    expect(lastLine(stderr)).toContain('keelson aborted the Rollout, as the local platform rolls back on an analysis timeout. Last reasons: only 120 of 500 canary requests');
  });

  it('exits 1 on an RBAC refusal, naming the user and the permission', async () => {
    const { fake, kubeconfig } = await startFake({ forbid: ['patch rollouts'] });
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(1);
    expect(lastLine(stderr)).toMatch(/^keelson: RBAC: system:serviceaccount:ci:deployer cannot patch rollouts\.argoproj\.io in keelson: grant it a Role in keelson with \{apiGroups: \["argoproj\.io"\], resources: \["rollouts"\], verbs: \["patch"\]\}/);
    expect(fake.applied().map((o) => o.kind)).not.toContain('Rollout');
  });

  it('says Argo Rollouts is not installed when its API group is missing', async () => {
    const { kubeconfig } = await startFake({ argoInstalled: false });
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(1);
    expect(lastLine(stderr)).toContain('Argo Rollouts is not installed (no rollouts.argoproj.io)');
  });

  it('never exits 0 when the API server dies mid-follow, and names the server and the kubeconfig', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, healthyStatus(1));
    scriptArgo(fake, [stepStarts(0, 5), (f) => void f.stop()]);
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(1);
    expect(lastLine(stderr)).toContain(`cannot reach the API server at ${fake.url} (from --kubeconfig ${kubeconfig}): ECONNREFUSED`);
    expect(lastLine(stderr)).toContain('never reported as success without seeing it Healthy');
  });

  it('on a cluster without the objects (no pulumi up yet) creates the stack objects as rendered and forces only the release ones', async () => {
    const { fake, kubeconfig } = await startFake();
    scriptArgo(fake, [stepStarts(0, 5), measure(0, 'promote', ['no regression found']), stepStarts(1, 25), measure(1, 'promote', ['ok']), stepStarts(2, 50), measure(2, 'promote', ['ok']), healthy]);
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code, stderr).toBe(0);
    expect(fake.applied()).toEqual(rendered(DIGEST));
    const applies = fake.seen.filter((s) => s.contentType === 'application/apply-patch+yaml');
    expect(applies.map((s) => (s.query.force === 'true' ? 'force' : 'create'))).toEqual(rendered(DIGEST).map((o) => (isReleaseObject(o) ? 'force' : 'create')));
    expect(fake.get('rollouts', 'keelson', 'keelson')!.spec.replicas).toBe(3);
  });

  it("renders the release with the stack file's settings (token Secret, log level, namespace), so a release never reverts them", async () => {
    const { fake, kubeconfig } = await startFake();
    const stack = join(dir, 'Pulumi.production.yaml');
    writeFileSync(
      stack,
      [
        'config:',
        '  keelson:provider: existing',
        '  keelson:logLevel: debug',
        '  keelson:inferenceAuth: \'{"secretName":"keelson-auth"}\'',
        '  keelson:grafanaAdminPassword:',
        '    secure: v1:AAAA',
        '',
      ].join('\n'),
    );
    scriptArgo(fake, [stepStarts(0, 5), measure(0, 'promote', ['ok']), stepStarts(1, 25), measure(1, 'promote', ['ok']), stepStarts(2, 50), measure(2, 'promote', ['ok']), healthy]);
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--stack', stack, '--kubeconfig', kubeconfig, ...fast]);
    expect(code, stderr).toBe(0);
    const rollout = fake.applied().find((o) => o.kind === 'Rollout');
    expect(rollout, stderr).toBeDefined();
    const args: string[] = rollout!.spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--auth-token-file']));
    expect(JSON.stringify(rollout!.spec.template)).toContain('keelson-auth');
    expect(JSON.stringify(rollout!.spec.template)).toContain('debug');

    const bad = join(dir, 'Pulumi.bad.yaml');
    writeFileSync(bad, 'config:\n  keelson:provider: existing\n  keelson:logLevel: loud\n');
    const refused = await keelson(['deploy', '--spec', specFile(DIGEST), '--stack', bad, '--kubeconfig', kubeconfig, ...fast]);
    expect(refused.code).toBe(1);
    expect(lastLine(refused.stderr)).toContain(`${bad}: `);
    expect(lastLine(refused.stderr)).toContain('logLevel');
  });

  it('is idempotent: rerun at the deployed spec applies nothing new and exits 0 "already deployed"', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, DIGEST, healthyStatus(1));
    const before = fake.get('rollouts', 'keelson', 'keelson')!.metadata.resourceVersion;
    const { code, stdout } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(0);
    expect(lastLine(stdout)).toBe(`already deployed: ${DIGEST} (model penguins:2, revision 1) is stable in keelson; nothing changed`);
    expect(fake.get('rollouts', 'keelson', 'keelson')!.metadata).toMatchObject({ generation: 1, resourceVersion: before });
    expect(fake.applied()).toEqual(releaseApplied(DIGEST));
  });

  it('refuses while the Rollout progresses toward another revision, and applies nothing', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, OLD_DIGEST, { phase: 'Paused', observedGeneration: '1', stableRS: 'older', currentPodHash: 'oldhash5', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }] });
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(1);
    expect(lastLine(stderr)).toContain(`is progressing toward another revision 1 (${OLD_DIGEST}, model penguins:2), Paused at step 2: wait for it (rerun with --wait) or abort it (keelson deploy abort --namespace keelson)`);
    expect(fake.applied()).toEqual([]);
  });

  it('refuses a spec whose image is a tag, naming the field and the value, before any request', async () => {
    const { fake, kubeconfig } = await startFake();
    const { code, stderr } = await keelson(['deploy', '--spec', specFile('ghcr.io/keelson-dev/keelson:1.2.0'), '--kubeconfig', kubeconfig, ...fast]);
    expect(code).toBe(1);
    expect(stderr).toContain('service.image = "ghcr.io/keelson-dev/keelson:1.2.0": expected an image pinned by digest');
    expect(fake.seen).toEqual([]);
  });

  it('refuses without a kubeconfig, saying where it looked', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const { code, stderr } = await keelson(['deploy', '--spec', specFile(DIGEST)], { HOME: home, KUBERNETES_SERVICE_HOST: '' });
    expect(code).toBe(1);
    expect(lastLine(stderr)).toBe(
      `keelson: no kubeconfig: looked at --kubeconfig (not given), KUBECONFIG (unset), ${join(home, '.kube', 'config')} (no such file) and the in-cluster service account (KUBERNETES_SERVICE_HOST unset): pass --kubeconfig FILE or set KUBECONFIG`,
    );
  });

  it('status prints the Rollout; abort, retry and promote send the kubectl plugin\'s status patches', async () => {
    const { fake, kubeconfig } = await startFake();
    seed(fake, DIGEST, { phase: 'Paused', observedGeneration: '1', stableRS: 'oldhash5', currentPodHash: 'newhash7', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }], canary: { weights: { canary: { weight: 0 }, stable: { weight: 50 }, additional: [{ weight: 25 }, { weight: 25 }] } } });
    const shown = await keelson(['deploy', 'status', '--kubeconfig', kubeconfig]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('step:       2/3 (25% canary + 25% baseline), paused: CanaryPauseStep');
    expect(shown.stdout).toContain(`canary:     ${DIGEST} (model penguins:2)`);
    for (const action of ['promote', 'abort', 'retry']) expect((await keelson(['deploy', action, '--env', 'production', '--kubeconfig', kubeconfig])).code).toBe(0);
    const wrongEnv = await keelson(['deploy', 'abort', '--env', 'staging', '--kubeconfig', kubeconfig]);
    expect(wrongEnv.code).toBe(1);
    expect(lastLine(wrongEnv.stderr)).toContain('--env staging: Rollout keelson in keelson belongs to environment production');
    const patches = fake.seen.filter((s) => s.method === 'PATCH').map((s) => [s.path.split('/').slice(-2).join('/'), s.contentType, s.body]);
    expect(patches).toEqual([
      ['keelson/status', 'application/merge-patch+json', { status: { pauseConditions: null } }],
      ['keelson/status', 'application/merge-patch+json', { status: { abort: true } }],
      ['keelson/status', 'application/merge-patch+json', { status: { abort: false } }],
    ]);
  });
});
