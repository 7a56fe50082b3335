import { describe, expect, it } from 'vitest';
import { detectBuilder, type BuilderProbe } from '../../container/detect.js';
import { InvalidOptionError } from '../../container/errors.js';

/** A machine with the given commands on PATH and, optionally, a docker daemon that answers. */
function machine(commands: string[], dockerDaemon = false): BuilderProbe & { daemonAsked: number } {
  const probe = {
    daemonAsked: 0,
    hasCommand: (name: string) => commands.includes(name),
    async dockerBuildxAnswers() {
      probe.daemonAsked++;
      return dockerDaemon;
    },
  };
  return probe;
}

describe('builder detection', () => {
  it('prefers docker buildx when a daemon answers', async () => {
    const detection = await detectBuilder(machine(['docker', 'podman', 'buildah'], true));
    expect(detection).toMatchObject({ kind: 'found', builder: 'docker' });
  });

  it('falls back to podman when docker is installed but no daemon answers (this machine)', async () => {
    const probe = machine(['docker', 'podman', 'buildah'], false);
    const detection = await detectBuilder(probe);
    expect(detection).toMatchObject({ kind: 'found', builder: 'podman' });
    expect(detection.notes[0]).toMatch(/docker: installed, but no daemon answers/);
    expect(probe.daemonAsked).toBe(1);
  });

  it('uses buildah when it is the only builder', async () => {
    expect(await detectBuilder(machine(['buildah']))).toMatchObject({ kind: 'found', builder: 'buildah' });
  });

  it('does not ask for a docker daemon when the docker CLI is absent', async () => {
    const probe = machine(['podman']);
    await detectBuilder(probe);
    expect(probe.daemonAsked).toBe(0);
  });

  it('reports every builder it tried when none is usable', async () => {
    const detection = await detectBuilder(machine(['docker'], false));
    expect(detection).toEqual({
      kind: 'none',
      notes: ['docker: installed, but no daemon answers (or buildx is missing)', 'podman: not installed', 'buildah: not installed'],
    });
  });

  it('honours a forced builder, still checking it is there', async () => {
    expect(await detectBuilder(machine(['podman', 'buildah']), 'buildah')).toMatchObject({ kind: 'found', builder: 'buildah' });
    expect(await detectBuilder(machine(['podman']), 'buildah')).toEqual({ kind: 'none', notes: ['buildah: not installed'] });
  });

  it('refuses an unknown forced builder, naming the allowed ones', async () => {
    await expect(detectBuilder(machine(['podman']), 'kaniko')).rejects.toThrow(InvalidOptionError);
    await expect(detectBuilder(machine(['podman']), 'kaniko')).rejects.toThrow(
      "builder 'kaniko' is invalid: expected one of docker, podman, buildah",
    );
  });
});
