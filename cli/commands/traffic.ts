import type { Command } from 'commander';

interface TrafficCliOptions {
  rps: string;
  duration: string;
  url?: string;
  model: string;
  json: boolean;
  binary: boolean;
  maxErrors?: string;
  timeout: string;
  feedback?: string;
  labelNoise: string;
}

/** `keelson traffic`: realistic inference load (penguin rows) through the router, with an error and latency summary. */
export function register(program: Command): void {
  program
    .command('traffic')
    .description('send Open Inference Protocol requests with rows from the penguins data at a fixed rate; report errors and latency')
    .option('--rps <n>', 'requests per second (open loop: sent on schedule, not waiting for answers)', '20')
    .option('--duration <duration>', 'how long to send, e.g. 30s, 2m', '30s')
    .option('--url <url>', 'where to send (default: the local platform\'s router, else http://127.0.0.1:8080)')
    .option('--model <name>', 'model name in the request path', 'penguins')
    .option('--timeout <duration>', 'a request without an answer after this counts as failed', '10s')
    .option('--max-errors <n>', 'exit with status 1 when more requests than this fail')
    .option('--binary', 'send the rows as binary tensor data (Inference-Header-Content-Length) and ask for binary outputs', false)
    .option('--feedback <rate>', 'send the true species for this share (0..1) of answered requests to POST .../feedback (docs/model-quality.md)')
    .option('--label-noise <p>', 'with --feedback: replace this share (0..1) of the labels by a wrong species', '0')
    .option('--json', 'print the report as JSON', false)
    .action(async (options: TrafficCliOptions) => {
      const { CliError } = await import('../cli-error.js');
      const { durationMs } = await import('../../contract/duration.js');
      const rps = Number(options.rps);
      if (!Number.isFinite(rps) || rps <= 0 || rps > 10_000) throw new CliError(`--rps ${options.rps}: expected a rate above 0 and at most 10000`);
      const duration = durationMs(options.duration, '--duration', (m) => new CliError(m));
      const url = options.url ?? (await defaultUrl());
      const { runTraffic } = await import('../../platform/traffic/generator.js');
      const { formatTrafficReport } = await import('../../platform/traffic/format.js');
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      if (!options.json) console.error(`keelson traffic: ${rps} rps for ${options.duration} to ${url}`);
      const timeoutMs = durationMs(options.timeout, '--timeout', (m) => new CliError(m));
      const feedback = options.feedback === undefined ? undefined : await trafficFeedback(url, options.model, options.feedback, options.labelNoise, timeoutMs);
      const report = await runTraffic({ url, rps, durationMs: duration, model: options.model, signal: abort.signal, timeoutMs, maxInFlight: 10_000, binary: options.binary, feedback });
      console.log(options.json ? JSON.stringify(report) : formatTrafficReport(report));
      if (options.maxErrors !== undefined && report.failed > Number(options.maxErrors)) {
        throw new CliError(`${report.failed} of ${report.sent} requests failed (--max-errors ${options.maxErrors})`);
      }
    });
}

/** `--feedback RATE [--label-noise P]` as the generator's feedback side; bad numbers become a CliError naming the flag. */
async function trafficFeedback(url: string, model: string, rate: string, noise: string, timeoutMs: number) {
  const { CliError } = await import('../cli-error.js');
  const { checkFeedbackPlan, createTrafficFeedback } = await import('../../platform/traffic/feedback.js');
  const share = (text: string, flag: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new CliError(`${flag} ${text}: expected a share between 0 and 1, e.g. 0.5`);
    return value;
  };
  const plan = checkFeedbackPlan({ rate: share(rate, '--feedback'), labelNoise: share(noise, '--label-noise') });
  return createTrafficFeedback(url, model, plan, timeoutMs);
}

async function defaultUrl(): Promise<string> {
  const { keelsonPaths } = await import('../../contract/keelson-paths.js');
  const { isAlive, readState } = await import('../../platform/state.js');
  try {
    const state = readState(keelsonPaths().state);
    if (state?.platform && isAlive(state.platform.pid)) return state.platform.routerUrl;
  } catch {
    // Fall through to the default port.
  }
  return 'http://127.0.0.1:8080';
}
