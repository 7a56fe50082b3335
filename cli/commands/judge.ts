import type { Command } from 'commander';
import { durationProblem, parseDuration } from '../../contract/duration.js';
import { CliError } from '../cli-error.js';
import { EXIT } from '../errors.js';

interface ReplayOptions {
  policy?: string;
  json?: boolean;
  final?: boolean;
}

interface ServeOptions {
  prometheus: string;
  port: string;
  host: string;
  interval: string;
}

function serveOptions(flags: ServeOptions): { prometheusUrl: string; port: number; host: string; intervalMs: number } {
  if (!URL.canParse(flags.prometheus)) throw new CliError(`--prometheus (${flags.prometheus}) must be a URL such as http://prometheus:9090`, EXIT.badFlag);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port (${flags.port}) must be a whole number 0..65535`, EXIT.badFlag);
  const intervalMs = parseDuration(flags.interval);
  if (intervalMs === undefined || intervalMs <= 0) throw new CliError(durationProblem('--interval', flags.interval), EXIT.badFlag);
  return { prometheusUrl: flags.prometheus, port, host: flags.host, intervalMs };
}

/** `keelson judge replay`: backtest the canary judge on recorded snapshots. */
export function register(program: Command): void {
  const judge = program.command('judge').description('canary analysis: replay recorded snapshots through the judge, or serve it to Argo Rollouts');
  judge
    .command('replay')
    .description('walk each scenario\'s snapshots through the judge as if live and report its decision (JSON or JSONL files, one scenario per line)')
    .argument('<file...>', 'scenario files: a JSON scenario, a JSON array of scenarios, or JSONL with one scenario per line')
    .option('--policy <file>', 'judge policy (YAML or JSON); default: the built-in policy (see docs/canary-analysis.md)')
    .option('--json', 'print one JSON line per scenario: {"name", "decision", "decidedAt", "reasons"}')
    .option('--final', "treat each scenario's last snapshot as the end of the analysis window (promote, or the policy's noDataDecision)")
    .action(async (files: string[], options: ReplayOptions) => {
      // `keelson judge replay … | head` closes stdout early: stop quietly instead of crashing on EPIPE.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const { runReplay } = await import('../../analysis/replay-command.js');
      await runReplay(files, options, (line) => process.stdout.write(`${line}\n`));
    });
  judge
    .command('serve')
    .description("the judge as a stateless HTTP service for Argo Rollouts' web metric provider: POST /v1/judge replays every look since the analysis started from Prometheus")
    .requiredOption('--prometheus <url>', 'Prometheus that scrapes the arms (labelled rollouts_pod_template_hash)')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--interval <duration>', "time between looks, the AnalysisTemplate's interval", '10s')
    .action(async (flags: ServeOptions) => {
      const { runJudgeServer } = await import('../../analysis/judge-service/serve.js');
      await runJudgeServer({ ...serveOptions(flags), log: (line) => process.stderr.write(`${line}\n`) });
    });
}
