/** The render settings a release is rendered with: those of `--stack FILE`, or of `Pulumi.<env>.yaml` when it exists. */
export async function stackRender(stack: string | undefined, env: string | undefined) {
  const [{ existsSync }, { CliError }, { EXIT }, { loadStackFile }, { stackRenderOptions }, { InfraConfigError }] = await Promise.all([
    import('node:fs'),
    import('./cli-error.js'),
    import('./errors.js'),
    import('../infra/stack/stack-file.js'),
    import('../infra/stack/render-options.js'),
    import('../infra/config/settings.js'),
  ]);
  const file = stack ?? (env && existsSync(`Pulumi.${env}.yaml`) ? `Pulumi.${env}.yaml` : undefined);
  if (file === undefined) return undefined;
  if (!existsSync(file)) throw new CliError(`--stack ${file}: no such file; expected a Pulumi stack file such as Pulumi.production.yaml`, EXIT.failed);
  try {
    return stackRenderOptions(loadStackFile(file));
  } catch (error) {
    if (error instanceof InfraConfigError) throw new CliError(`${file}: ${error.message}`, EXIT.failed);
    throw error;
  }
}
