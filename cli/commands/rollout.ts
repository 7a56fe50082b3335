import type { Command } from 'commander';
import { RolloutNotPromoted } from '../errors.js';

interface RolloutCliOptions {
  model: string;
  policy?: string;
  prometheus?: string;
  reports: string;
  json: boolean;
}

/** `keelson rollout`: a canary rollout judged against a fresh baseline, on the running local platform. */
export function register(program: Command): void {
  program
    .command('rollout')
    .description('roll a model version out as a canary beside a fresh baseline, judged at every interval; promote or roll back')
    .requiredOption('--model <name:version>', 'the version to roll out, e.g. penguins:2')
    .option('--policy <file>', 'rollout policy (YAML or JSON): steps, interval, minStepRequests, timeouts, judge')
    .option('--prometheus <url>', 'judge with this Prometheus (scraping .keelson/prometheus/prometheus.yml) instead of scraping the arms')
    .option('--reports <dir>', 'where <rollout-id>.md and .html are written', 'reports')
    .option('--json', 'print the result as one JSON line', false)
    .addHelpText('after', '\nExit status: 0 promoted, 2 rolled back, 3 another rollout is running, 1 anything else. The last line says why.')
    .action(async (options: RolloutCliOptions) => {
      const { CliError } = await import('../cli-error.js');
      const { parseModelRef } = await import('../../rollout/rollout-id.js');
      const { loadRolloutPolicy } = await import('../../rollout/policy.js');
      const { runRollout } = await import('../../rollout/run-rollout.js');
      const { createReporter } = await import('../../steps/index.js');
      const ref = parseModelRef(options.model);
      if (!ref) throw new CliError(`--model ${options.model}: expected NAME:VERSION such as penguins:2`);
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => abort.abort(signal);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const reporter = createReporter();
      try {
        const result = await runRollout({
          model: ref.model,
          version: ref.version,
          ...(options.policy ? { policy: loadRolloutPolicy(options.policy) } : {}),
          ...(options.prometheus ? { prometheusUrl: options.prometheus } : {}),
          reportsDir: options.reports,
          reporter,
          signal: abort.signal,
        });
        reporter.close();
        if (options.json) console.log(JSON.stringify(result));
        else console.log(`report: ${result.reports.html}\n        ${result.reports.markdown}`);
        if (result.outcome !== 'promoted') throw new RolloutNotPromoted(result);
        console.log(`promoted ${result.model}:${result.toVersion} (rollout ${result.id}): ${result.reason}`);
      } finally {
        reporter.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
