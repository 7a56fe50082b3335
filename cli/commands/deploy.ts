import type { Command } from 'commander';

interface ClusterFlags {
  env?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string;
}

interface DeployFlags extends ClusterFlags {
  spec?: string;
  stack?: string;
  timeout: string;
  pollInterval: string;
  retryFor: string;
  summary?: string;
  wait: boolean;
}

const clusterOptions = (command: Command): Command =>
  command
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('--namespace <name>', 'namespace of the Rollout', 'keelson');

/** `keelson deploy`: apply deploy/<env>.yaml to a cluster and follow the Argo Rollout to its verdict; status/promote/abort/retry. */
export function register(program: Command): void {
  const deploy = clusterOptions(
    program
      .command('deploy')
      .description('apply the rendered deploy spec to the cluster (server-side apply) and follow the Argo Rollout to its verdict: exit 0 promoted or already deployed, 2 rolled back, 1 error')
      .option('--env <name>', 'environment: reads deploy/<env>.yaml')
      .option('--spec <file>', 'deploy spec to use instead of deploy/<env>.yaml')
      .option('--stack <file>', 'Pulumi stack file whose keelson:* settings the release is rendered with (default: Pulumi.<env>.yaml when it exists)'),
  )
    .option('--timeout <duration>', 'longest time to follow the Rollout', '30m')
    .option('--poll-interval <duration>', 'how often to read the Rollout', '2s')
    .option('--retry-for <duration>', 'how long API errors (unreachable, 5xx) are retried before giving up', '1m')
    .option('--summary <file>', 'also write a Markdown summary (e.g. "$GITHUB_STEP_SUMMARY")')
    .option('--wait', 'when the Rollout is progressing toward another revision, wait for it instead of refusing', false)
    .action(async (flags: DeployFlags, command: Command) => runDeploy(flags, command.getOptionValueSource('namespace') === 'cli'));

  // Commander gives `deploy` every flag it knows, wherever it stands (`keelson deploy status --namespace x` included):
  // the subcommands declare the cluster flags for their help and read the values merged with deploy's.
  const sub = (name: string, description: string, action: (flags: ClusterFlags) => Promise<void>) =>
    clusterOptions(deploy.command(name).description(description).option('--env <name>', 'refuse unless the Rollout carries keelson.dev/environment=<name>')).action((_: unknown, command: Command) => action(command.optsWithGlobals<ClusterFlags>()));
  sub('status', 'print the Rollout: phase, step, weights, stable and canary images, the judge\'s last verdict', async (flags) => {
    const { rolloutStatus } = await import('../../kubernetes/commands.js');
    console.log((await rolloutStatus(await open(flags), flags.namespace, flags.env)).join('\n'));
  });
  for (const [name, what] of [
    ['promote', 'what kubectl argo rollouts promote does: clear the pause (or go to the next step)'],
    ['abort', 'what kubectl argo rollouts abort does: status.abort = true, traffic back to stable'],
    ['retry', 'what kubectl argo rollouts retry rollout does: status.abort = false, the steps run again'],
  ] as const) {
    sub(name, what, async (flags) => {
      const { rolloutAction } = await import('../../kubernetes/commands.js');
      console.log(await rolloutAction(await open(flags), flags.namespace, name, flags.env));
    });
  }
}

async function open(flags: ClusterFlags) {
  const [{ loadClusterAccess }, { openCluster }] = await Promise.all([import('../../kubernetes/kubeconfig.js'), import('../../kubernetes/client.js')]);
  return openCluster(loadClusterAccess({ ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) }));
}

async function runDeploy(flags: DeployFlags, namespaceGiven: boolean): Promise<void> {
  const [{ CliError }, { EXIT }, { parseDuration }, { DeploySpecError }, { createReporter }, { deploy }] = await Promise.all([
    import('../cli-error.js'),
    import('../errors.js'),
    import('../../contract/duration.js'),
    import('../../contract/deploy-spec.js'),
    import('../../steps/reporter.js'),
    import('../../pipelines/deploy.js'),
  ]);
  if (!flags.env && !flags.spec) throw new CliError('keelson deploy needs --env NAME (reads deploy/<env>.yaml) or --spec FILE', EXIT.failed);
  const duration = (flag: string, value: string) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw new CliError(`${flag} ${value}: expected a duration such as 30s, 5m or 1h`, EXIT.failed);
    return ms;
  };
  const timeoutMs = duration('--timeout', flags.timeout);
  const pollMs = duration('--poll-interval', flags.pollInterval);
  const retryForMs = duration('--retry-for', flags.retryFor);
  const specFile = flags.spec ?? `deploy/${flags.env}.yaml`;
  const { stackRender } = await import('../stack-render.js');
  const render = await stackRender(flags.stack, flags.env);
  // The stack's namespace unless --namespace names one.
  const namespace = namespaceGiven || !render ? flags.namespace : render.namespace;
  const cluster = await open(flags);
  const reporter = createReporter();
  try {
    const result = await deploy(reporter, cluster, {
      specFile, namespace, timeoutMs, ...(render ? { render } : {}), pollMs, retryForMs, wait: flags.wait,
      ...(flags.summary ? { summaryFile: flags.summary } : {}),
    });
    reporter.close();
    const revision = 'revision' in result && result.revision ? `, revision ${result.revision}` : '';
    if (result.kind === 'promoted') console.log(`promoted ${result.image} (model ${result.model}${revision}) in ${namespace}`);
    if (result.kind === 'already') console.log(`already deployed: ${result.image} (model ${result.model}${revision}) is stable in ${namespace}; nothing changed`);
    if (result.kind === 'rolled-back') throw new CliError(`rolled back ${result.image} (model ${result.model}): ${result.reason}`, EXIT.rolledBack);
  } catch (error) {
    reporter.close();
    if (error instanceof DeploySpecError) throw new CliError(error.message);
    throw error;
  }
}

