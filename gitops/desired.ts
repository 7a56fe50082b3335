/** The GitOps agent's vocabulary: what git asks for, and what runs. */

/** The model a desired state asks for. */
export interface DesiredModel {
  name: string;
  version: string;
  sha256: string;
}

/** What the newest commit on the watched branch says, already parsed. */
export type HeadState =
  | { kind: 'valid'; commit: string; model: DesiredModel; fingerprint: string }
  | { kind: 'invalid'; commit: string; message: string };

/** What runs now, and from which commit it came (null when nothing runs yet). */
export interface LiveState {
  model: DesiredModel;
  commit: string | null;
}

/** The same model: name, version and bytes (a version rebuilt with other bytes is another model). */
export const sameModel = (a: DesiredModel, b: DesiredModel): boolean => a.name === b.name && a.version === b.version && a.sha256 === b.sha256;

export const modelRef = (m: Pick<DesiredModel, 'name' | 'version'>): string => `${m.name}:${m.version}`;
