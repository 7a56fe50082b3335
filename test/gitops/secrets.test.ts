import { spawn, spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openGitSource } from '../../gitops/git.js';
import { initialStatus, readGitopsStatus, writeGitopsStatus } from '../../gitops/status.js';

// A token planted in the repository URL must never reach the agent's output, `keelson gitops status`, or any
// file under the keelson home (the status file, the mirror's config, git's FETCH_HEAD).
const SECRET = 's3cr3t-planted';
const repoRoot = new URL('../..', import.meta.url).pathname;

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every file under `dir`, recursively, with its text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

describe('git credentials never leak', () => {
  const home = mkdtempSync(join(tmpdir(), 'keelson-secrets-'));
  let output = '';
  let url = '';

  beforeAll(async () => {
    url = `https://bot:${SECRET}@127.0.0.1:${await closedPort()}/x.git?access_token=${SECRET}-query`;
    const env = { ...process.env, KEELSON_HOME: home };
    const agent = spawn(process.execPath, ['bin/keelson.mjs', 'gitops', 'watch', '--repo', url, '--interval', '200ms'], { cwd: repoRoot, env });
    agent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    agent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while ((output.match(/reconcile failed/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    for (const args of [['gitops', 'status'], ['gitops', 'status', '--json'], ['status']]) {
      const run = spawnSync(process.execPath, ['bin/keelson.mjs', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
      output += run.stdout + run.stderr;
    }
  }, 90_000);

  it('the agent retries and says why, with the URL redacted', () => {
    expect((output.match(/reconcile failed/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(output).toContain('https://bot:***@127.0.0.1:');
    expect(output).toContain('access_token=***');
    expect(output).not.toContain(SECRET);
  });

  it('no file under the keelson home holds the secret, and the status file is mode 600', () => {
    const files = filesUnder(home);
    expect(files.map((f) => f.path)).toContain(join(home, 'gitops.json'));
    expect(files.filter((f) => f.text.includes(SECRET)).map((f) => f.path)).toEqual([]);
    expect(statSync(join(home, 'gitops.json')).mode & 0o777).toBe(0o600);
    expect(readGitopsStatus(join(home, 'gitops.json'))?.repo).toMatch(/^https:\/\/bot:\*\*\*@127\.0\.0\.1:\d+\/x\.git\?access_token=\*\*\*$/);
  });
});

describe('a mirrored repository keeps working without credentials in its config', () => {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  const work = mkdtempSync(join(tmpdir(), 'keelson-mirror-'));
  const repo = join(work, 'repo');
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();

  it('fetches new commits into the mirror on every sync', async () => {
    mkdirSync(join(repo, 'deploy'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'deploy', 'local.yaml'), 'version: 1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    const source = openGitSource(`file://${repo}`, join(work, 'mirror.git'));
    await source.sync();
    expect(await source.head('main')).toBe(git(repo, 'rev-parse', 'HEAD'));
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    await source.sync();
    expect(await source.head('main')).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(await source.describe(git(repo, 'rev-parse', 'HEAD'))).toMatch(/ second$/);
  });

  it('a status written with a secret in it is stored and read back redacted', () => {
    const path = join(work, 'gitops.json');
    writeGitopsStatus(path, { ...initialStatus(`https://bot:${SECRET}@example.com/x.git`, 'main', 'local'), failure: { commit: '', message: `fatal: https://u:${SECRET}@h/`, at: '' } });
    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
    writeFileSync(path, JSON.stringify({ ...initialStatus('x', 'main', 'local'), repo: `https://bot:${SECRET}@example.com/x.git` }));
    expect(JSON.stringify(readGitopsStatus(path))).not.toContain(SECRET);
  });
});
