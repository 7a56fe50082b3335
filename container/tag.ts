import { ContainerError, InvalidOptionError } from './errors.js';
import type { Exec } from '../steps/exec.js';

/** What the tag is computed from: the commit checked out and whether the tree differs from it. */
export interface GitState {
  /** Full or short commit id; undefined outside a git repository or before the first commit. */
  sha: string | undefined;
  dirty: boolean;
}

/** Docker's tag grammar: 1..128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The image tag for a git state: the 12-character commit id, plus `-dirty` for uncommitted changes. */
export function imageTag(git: GitState): string {
  if (!git.sha) {
    throw new ContainerError(
      'cannot tag the image by git commit: this is not a git repository, or it has no commit yet',
      'commit first, or pass --tag TAG',
    );
  }
  const short = git.sha.slice(0, 12).toLowerCase();
  if (!/^[0-9a-f]{7,12}$/.test(short)) throw new InvalidOptionError('git commit', git.sha, 'a hexadecimal commit id');
  return git.dirty ? `${short}-dirty` : short;
}

/** Validates a user-supplied `--tag`. */
export function validateTag(tag: string): string {
  if (!tagPattern.test(tag)) {
    throw new InvalidOptionError('--tag', tag, '1-128 letters, digits, "_", "." or "-", not starting with "." or "-"');
  }
  return tag;
}

/** Validates a repository name (`keelson-service`, `team/keelson-service`). */
export function validateRepository(name: string): string {
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(name)) {
    throw new InvalidOptionError('--name', name, 'lowercase path components of letters, digits and single "._-" separators');
  }
  return name;
}

/** Reads the git state of `cwd` (the git adapter). Untracked files count as dirty: they go into the image. */
export async function readGitState(exec: Exec, cwd: string): Promise<GitState> {
  const head = await exec('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd });
  if (!head.ok) return { sha: undefined, dirty: false };
  const status = await exec('git', ['status', '--porcelain', '--untracked-files=normal'], { cwd });
  return { sha: head.stdout.trim(), dirty: !status.ok || status.stdout.trim() !== '' };
}
