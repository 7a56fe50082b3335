import { setTimeout as sleep } from 'node:timers/promises';
import type { Reporter } from '../steps/reporter.js';
import { runStep } from '../steps/step.js';
import type { ContainerRuntime, ImageBuilder } from '../container/builders/types.js';
import { ContainerError } from '../container/errors.js';
import { tail } from '../steps/output.js';
import { freePort } from '../steps/ports.js';
import { checkSmokeShape, healthcheckArgv, smokeLabelMismatches, smokeRequest } from '../container/smoke-check.js';

/** Label on every container the smoke test starts; its value is the owning keelson process id. */
const smokeLabel = 'io.keelson.smoke-owner';

export interface SmokeOptions {
  image: string;
  runtime: ContainerRuntime & Pick<ImageBuilder, 'inspect'>;
  reporter: Reporter;
  /** Model repository to mount at /models; undefined: use the models baked into the image. */
  models?: string;
  /** `penguins` or `penguins:VERSION`. */
  model: string;
  readyTimeoutMs: number;
  /** Whether a process id is still alive (to clean up only containers whose owner is gone). */
  isAlive?: (pid: number) => boolean;
  /**
   * What a wrong label on the smoke rows does: `fail` (default, `keelson smoke`) or `warn` (`keelson release`: the
   * canary's judge decides about predictions, so a deliberately shifted version still reaches canary analysis).
   */
  labels?: 'fail' | 'warn';
}

export interface SmokeResult {
  port: number;
  readyAfterMs: number;
  modelVersion: string | undefined;
}

/**
 * Runs the image, waits until `/v2/health/ready` answers, runs the image's own HEALTHCHECK inside
 * it, sends a real inference and checks the answer; always removes the container. Containers left
 * by an earlier smoke run that crashed are removed first.
 */
export async function smokeTest(options: SmokeOptions): Promise<SmokeResult> {
  const { runtime, reporter, image } = options;
  await runStep(reporter, 'remove containers left by crashed smoke runs', async () =>
    removeOrphans(runtime, options.isAlive ?? processAlive),
  { summary: (n) => (n === 0 ? 'none' : `${n} removed`) });

  const port = await freePort();
  const name = `keelson-smoke-${process.pid}-${port}`;
  const [model, version] = options.model.split(':') as [string, string | undefined];
  try {
    await runStep(reporter, `start ${image} as ${name} on 127.0.0.1:${port}`, () =>
      runtime.run({
        name,
        image,
        args: ['--models', '/models', ...(version ? ['--model', options.model] : [])],
        // Host networking: bind loopback only. The image's HEALTHCHECK reads the same variable.
        env: { KEELSON_HOST: '127.0.0.1', KEELSON_PORT: String(port) },
        labels: { [smokeLabel]: String(process.pid) },
        ...(options.models ? { mounts: [{ source: options.models, target: '/models' }] } : {}),
      }),
    );
    const base = `http://127.0.0.1:${port}`;
    const readyAfterMs = await runStep(reporter, 'wait for /v2/health/ready', (progress) =>
      waitReady(runtime, name, `${base}/v2/health/ready`, options.readyTimeoutMs, progress),
    );
    await runStep(reporter, 'run the image HEALTHCHECK inside the container', async () => {
      const argv = healthcheckArgv((await runtime.inspect(image)).healthcheck);
      if (!argv) throw new ContainerError(`${image} has no HEALTHCHECK`, 'build with --format docker (keelson build does)');
      const result = await runtime.exec(name, argv);
      if (!result.ok) throw new ContainerError(`HEALTHCHECK exited with ${result.code}: ${tail(result.stderr, 5)}`);
    });
    const modelVersion = await runStep(reporter, `infer ${options.model} (3 penguins, one per species)`, async () => {
      const path = version ? `/v2/models/${model}/versions/${version}/infer` : `/v2/models/${model}/infer`;
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(smokeRequest()),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text: checkSmokeResponse reports the status and body
      }
      const mismatches = smokeLabelMismatches(body);
      const problems = [...checkSmokeShape(response.status, body), ...(options.labels === 'warn' ? [] : mismatches)];
      if (options.labels === 'warn') {
        for (const m of mismatches) reporter.emit({ kind: 'note', level: 'warn', message: `smoke: ${m} (canary analysis will judge the predictions)` });
      }
      if (problems.length > 0) {
        throw new ContainerError(`POST ${path} answered wrongly:\n  - ${problems.join('\n  - ')}`,
          `check the model repository the image serves (keelson build --models DIR) and the container log`);
      }
      return (body as { model_version?: string }).model_version;
    }, { summary: (v) => (v ? `answered by version ${v}` : undefined) });
    return { port, readyAfterMs, modelVersion };
  } catch (error) {
    const logs = tail(await runtime.logs(name).catch(() => ''), 20);
    if (logs && error instanceof Error) error.message += `\n  container log (last lines):\n${logs.replace(/^/gm, '    ')}`;
    throw error;
  } finally {
    await runStep(reporter, `stop and remove ${name}`, () => runtime.remove(name));
  }
}

/** Polls the readiness URL until it answers 200; fails early, with the log, if the container exits. */
async function waitReady(
  runtime: ContainerRuntime,
  name: string,
  url: string,
  timeoutMs: number,
  progress: (detail: string) => void,
): Promise<number> {
  const started = Date.now();
  let last = 'no answer yet';
  let reported = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return Date.now() - started;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).cause ? String((error as { cause: { code?: string } }).cause.code ?? error) : String(error);
    }
    if (!(await runtime.isRunning(name))) {
      throw new ContainerError(`container ${name} exited before it was ready`, `see its log below; run it by hand with the same image to debug`);
    }
    if (last !== reported) progress(`${url}: ${last}`);
    reported = last;
    await sleep(500);
  }
  throw new ContainerError(`${url} was not ready after ${Math.round(timeoutMs / 1000)}s (last: ${last})`,
    'raise --ready-timeout on a slow machine, or read the container log below');
}

async function removeOrphans(runtime: ContainerRuntime, isAlive: (pid: number) => boolean): Promise<number> {
  let removed = 0;
  for (const name of await runtime.listByLabel(smokeLabel)) {
    const owner = Number(/^keelson-smoke-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) continue;
    await runtime.remove(name);
    removed++;
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
