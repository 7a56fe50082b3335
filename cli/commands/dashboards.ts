import { InvalidArgumentError, type Command } from 'commander';

interface BuildFlags {
  out: string;
  kibanaUrl?: string;
  kibanaDataView?: string;
  serviceName?: string;
}

interface RulesFlags {
  out: string;
  availabilityTarget?: number;
  latencyTarget?: number;
  latencyThreshold?: number;
  runbookBaseUrl?: string;
  rolloutStuckAfter?: string;
}

/** Option field → the flag that sets it, so validation errors name what the user typed (`cli/errors.ts`). */
export const DASHBOARD_FLAGS: Readonly<Record<string, string>> = {
  kibanaUrl: '--kibana-url',
  kibanaDataView: '--kibana-data-view',
  serviceName: '--service-name',
  availabilityTarget: '--availability-target',
  latencyTarget: '--latency-target',
  latencyThresholdSeconds: '--latency-threshold',
  runbookBaseUrl: '--runbook-base-url',
  rolloutStuckAfter: '--rollout-stuck-after',
};

/** `keelson dashboards build|rules`: Grafana dashboards and Prometheus rules from `dashboards/`. */
export function register(program: Command): void {
  const dashboards = program
    .command('dashboards')
    .description('Generate the Grafana dashboards (JSON) and Prometheus alerting/recording rules (YAML)');

  dashboards
    .command('build')
    .description('write one Grafana dashboard JSON file per dashboard into DIR')
    .requiredOption('--out <dir>', 'directory to write <uid>.json files into (created if missing)')
    .option('--kibana-url <url>', 'Kibana base URL the log links open (env KEELSON_KIBANA_URL)', process.env.KEELSON_KIBANA_URL)
    .option('--kibana-data-view <id>', 'Kibana data view id for Discover (default: Kibana\'s default data view)')
    .option('--service-name <name>', 'ECS service.name of the inference service, default of the logs dashboard filter')
    .action(async (flags: BuildFlags) => {
      const [{ buildDashboards }, { mkdir, writeFile }, { join, resolve }] = await Promise.all([
        import('../../dashboards/index.js'),
        import('node:fs/promises'),
        import('node:path'),
      ]);
      const built = buildDashboards({ kibanaUrl: flags.kibanaUrl, kibanaDataView: flags.kibanaDataView, serviceName: flags.serviceName });
      const dir = resolve(flags.out);
      await mkdir(dir, { recursive: true });
      for (const { fileName, dashboard } of built) {
        const file = join(dir, fileName);
        await writeFile(file, `${JSON.stringify(dashboard, null, 2)}\n`);
        console.log(`wrote ${file} (${dashboard.title})`);
      }
    });

  dashboards
    .command('rules')
    .description('write the Prometheus rule groups (SLO burn-rate, model, GPU and rollout alerts) to FILE as YAML')
    .requiredOption('--out <file>', 'rule file to write (directories are created)')
    .option('--availability-target <fraction>', 'availability SLO: share of inference requests without 5xx (default 0.999)', parseNumber)
    .option('--latency-target <fraction>', 'latency SLO: share of inference requests under the threshold (default 0.99)', parseNumber)
    .option('--latency-threshold <seconds>', 'latency SLO threshold, a bucket boundary of http_request_duration_seconds (default 0.25)', parseNumber)
    .option('--runbook-base-url <url>', 'where the alert runbooks live; alerts link <url>#runbook-<alert> (env KEELSON_RUNBOOK_BASE_URL, default docs/runbooks.md)', process.env.KEELSON_RUNBOOK_BASE_URL)
    .option('--rollout-stuck-after <duration>', 'how long traffic may stay split before KeelsonRolloutStuck fires (default 1h)')
    .action(async (flags: RulesFlags) => {
      const [{ buildRuleGroups, renderRuleFile }, { mkdir, writeFile }, { dirname, resolve }] = await Promise.all([
        import('../../dashboards/index.js'),
        import('node:fs/promises'),
        import('node:path'),
      ]);
      const rules = buildRuleGroups({
        availabilityTarget: flags.availabilityTarget,
        latencyTarget: flags.latencyTarget,
        latencyThresholdSeconds: flags.latencyThreshold,
        runbookBaseUrl: flags.runbookBaseUrl,
        rolloutStuckAfter: flags.rolloutStuckAfter,
      });
      const file = resolve(flags.out);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, renderRuleFile(rules));
      const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r).length;
      console.log(`wrote ${file} (${rules.groups.length} groups, ${alerts} alerts)`);
    });
}

function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('expected a number, e.g. 0.999');
  return number;
}
