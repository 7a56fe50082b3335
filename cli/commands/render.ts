import type { Command } from 'commander';

interface RenderFlags {
  env: string;
  out?: string;
  namespace: string;
  stack?: string;
}

/** `keelson render`: the Kubernetes objects of the cluster canary (Argo Rollouts) from `deploy/<env>.yaml`. */
export function register(program: Command): void {
  program
    .command('render')
    .description('render deploy/<env>.yaml as the Kubernetes objects of the cluster canary (Argo Rollouts Rollout, judge AnalysisTemplate, the judge service keelson-judge, Services, HTTPRoute, PDB, HPA, NetworkPolicy)')
    .requiredOption('--env <name>', 'environment: reads deploy/<env>.yaml')
    .option('--out <dir>', 'write one <kind>-<name>.yaml file per object into DIR (created) instead of one multi-document YAML on stdout')
    .option('--namespace <name>', 'namespace of the objects (default: the stack\'s, else keelson)', 'keelson')
    .option('--stack <file>', 'Pulumi stack file whose keelson:* settings the objects are rendered with, as pulumi up and keelson deploy do (default: Pulumi.<env>.yaml when it exists)')
    .action(async (flags: RenderFlags, command: Command) => {
      const [{ DeploySpecError, loadDeploySpec }, { renderService, objectFileName }, { stringify }, { mkdir, writeFile }, { join, resolve }, { CliError }] = await Promise.all([
        import('../../contract/deploy-spec.js'),
        import('../../infra/render/index.js'),
        import('yaml'),
        import('node:fs/promises'),
        import('node:path'),
        import('../cli-error.js'),
      ]);
      const { stackRender } = await import('../stack-render.js');
      const stack = await stackRender(flags.stack, flags.env);
      const namespace = command.getOptionValueSource('namespace') === 'cli' || !stack ? flags.namespace : stack.namespace;
      const source = join('deploy', `${flags.env}.yaml`);
      let objects;
      try {
        objects = renderService(loadDeploySpec(source), { ...stack, source, namespace });
      } catch (error) {
        if (error instanceof DeploySpecError) throw new CliError(error.message);
        throw error;
      }
      const toYaml = (object: object) => stringify(object, { lineWidth: 0 });
      if (!flags.out) {
        process.stdout.write(objects.map((object) => `---\n${toYaml(object)}`).join(''));
        return;
      }
      const dir = resolve(flags.out);
      await mkdir(dir, { recursive: true });
      for (const object of objects) {
        const file = join(dir, objectFileName(object));
        await writeFile(file, toYaml(object));
        console.log(`wrote ${file}`);
      }
    });
}
