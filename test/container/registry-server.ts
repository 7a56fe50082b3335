import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../steps/ports.js';

/** A Debian `docker-registry` on a loopback port, storing into `dir`; `stop()` kills it. */
export interface LocalRegistry {
  address: string;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve CONFIG` (plain HTTP, no auth) and waits until `/v2/` answers. */
export async function startRegistry(dir: string, timeoutMs = 60_000): Promise<LocalRegistry> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'storage')} }, delete: { enabled: true } }`,
      `http: { addr: "${address}" }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk) => (log = (log + String(chunk)).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  };
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log}`);
    const ok = await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false);
    if (ok) return { address, stop };
    await sleep(200);
  }
  await stop();
  throw new Error(`docker-registry on ${address} did not answer within ${timeoutMs} ms: ${log}`);
}
