import type { Command } from 'commander';

interface ReleaseFlags {
  env: string;
  registry?: string;
  name: string;
  models: string;
  modelVersion?: string;
  skipTests: boolean;
  allowBranch?: string;
  pushGit: boolean;
  rendered: boolean;
  builder?: string;
  insecure: boolean;
  readyTimeout: string;
  repo: string;
}

/** `keelson release`: test, build, push and smoke an image, then commit its digest into `deploy/<env>.yaml`. */
export function register(program: Command): void {
  program
    .command('release')
    .description(
      'from a clean main: test, build the image with the spec\'s model baked in, push it, smoke-test it, then write ' +
        'name@sha256:digest into service.image of deploy/<env>.yaml (comments kept) as its own commit ' +
        '"release: <model> <old> → <new> <digest>"; no commit when the spec already pins it. Exit 0 released or ' +
        'nothing to do, 1 refused or failed',
    )
    .requiredOption('--env <name>', 'environment: rewrites deploy/<env>.yaml')
    .option('--registry <host[:port][/path]>', 'registry to push to (default: env KEELSON_REGISTRY)')
    .option('--name <repository>', 'image repository name under the registry', 'keelson-service')
    .option('--models <dir>', 'model repository holding <model>/<version>/model.onnx', 'models')
    .option('--model-version <v>', 'release this model version instead of the spec\'s (rewrites model.version, uri and sha256 too)')
    .option('--skip-tests', 'skip the test step (CI ran it in an earlier job)', false)
    .option('--allow-branch <branch>', 'release from this branch instead of main')
    .option('--push-git', 'git push the release commit to the current branch\'s remote', false)
    .option('--rendered', 'also write deploy/rendered/<env>/ (keelson render) into the release commit, for Argo CD to sync', false)
    .option('--builder <kind>', 'docker | podman | buildah (default: detected; env KEELSON_BUILDER)')
    .option('--insecure', 'skip TLS verification for a non-loopback registry', false)
    .option('--ready-timeout <seconds>', 'how long the smoke test waits for readiness', '180')
    .option('--repo <dir>', 'repository to release', '.')
    .action(async (flags: ReleaseFlags) => {
      const [{ resolve }, { appendFileSync }, { CliError }, { withContainerEnv }, { openBuilder, runtimeFor }, { runRelease }, { releaseGit }, { ReleaseError }, { runTestPipeline, testSteps }, { DeploySpecError }] =
        await Promise.all([
          import('node:path'),
          import('node:fs'),
          import('../cli-error.js'),
          import('../../container/command-support.js'),
          import('../../container/select.js'),
          import('../../pipelines/release.js'),
          import('../../pipelines/release-git.js'),
          import('../../pipelines/release-error.js'),
          import('../../pipelines/test.js'),
          import('../../contract/deploy-spec.js'),
        ]);
      const seconds = Number(flags.readyTimeout);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`--ready-timeout '${flags.readyTimeout}' is invalid: expected a positive number of seconds`, 2);
      const repo = resolve(flags.repo);
      const result = await withContainerEnv(async (ctx) => {
        try {
          return await runRelease(
            {
              repo,
              env: flags.env,
              registry: flags.registry ?? (process.env.KEELSON_REGISTRY || undefined),
              name: flags.name,
              models: flags.models,
              ...(flags.modelVersion !== undefined ? { modelVersion: flags.modelVersion } : {}),
              skipTests: flags.skipTests,
              ...(flags.allowBranch !== undefined ? { allowBranch: flags.allowBranch } : {}),
              pushGit: flags.pushGit,
              insecure: flags.insecure,
              readyTimeoutMs: seconds * 1000,
              rendered: flags.rendered,
            },
            {
              ctx,
              git: releaseGit(ctx.exec, repo),
              openBuilder: () => openBuilder(ctx, flags.builder),
              runtimeFor: (builder) => runtimeFor(builder.kind, ctx),
              runTests: () => runTestPipeline({
                root: repo, steps: [...testSteps], files: [], keepGoing: false, exec: ctx.exec, reporter: ctx.reporter,
                onLine: (line) => void process.stderr.write(`  │ ${line}\n`), writeTail: (text) => void process.stderr.write(text),
              }),
            },
          );
        } catch (error) {
          if (error instanceof ReleaseError) throw new CliError(error.hint ? `${error.message}\n  → ${error.hint}` : error.message);
          if (error instanceof DeploySpecError) throw new CliError(error.message);
          throw error;
        }
      });
      const outputs = result.kind === 'released'
        ? { released: 'true', image: result.image, commit: result.commit }
        : { released: 'false', image: result.image, commit: '' };
      // A GitHub Actions step reads these as steps.<id>.outputs.*.
      if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(''));
      if (result.kind === 'unchanged') {
        console.log(`no release commit: ${result.reason}`);
        return;
      }
      console.log(`released ${result.image}`);
      console.log(`commit ${result.commit} ${result.subject}`);
      if (result.pushedTo) console.log(`pushed to ${result.pushedTo}`);
    });
}
