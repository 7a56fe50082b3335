import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContainerError } from './errors.js';

/** One line of `.keelson/images.json`: an image keelson built or pushed, pinned by digest. */
export type ImageRecord =
  | {
      kind: 'built';
      /** `localhost/keelson-service:abc123def456` */
      ref: string;
      /** `localhost/keelson-service@sha256:...` */
      pinned: string;
      digest: string;
      builder: string;
      base: string;
      sizeBytes: number;
      gitSha: string | null;
      at: string;
    }
  | { kind: 'pushed'; ref: string; pinned: string; digest: string; source: string; at: string };

interface ImagesFile {
  images: ImageRecord[];
}

/** The records kept: enough history to find recent builds, bounded so the file stays small. */
const keep = 50;

/** Reads the records (none when the file does not exist yet). */
export function readImageRecords(file: string): ImageRecord[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ImagesFile;
    return Array.isArray(parsed.images) ? parsed.images : [];
  } catch (error) {
    throw new ContainerError(`${file} is not valid JSON: ${(error as Error).message}`, `delete ${file}; the next build recreates it`);
  }
}

/** Appends a record, writing the file atomically (temp file + rename), so a crash never leaves half a file. */
export function appendImageRecord(file: string, record: ImageRecord): void {
  const images = [...readImageRecords(file), record].slice(-keep);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ images } satisfies ImagesFile, null, 2)}\n`);
  renameSync(temp, file);
}

/** The most recent record of a kind. */
export function latestRecord<K extends ImageRecord['kind']>(
  records: ImageRecord[],
  kind: K,
): Extract<ImageRecord, { kind: K }> | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i]!;
    if (record.kind === kind) return record as Extract<ImageRecord, { kind: K }>;
  }
  return undefined;
}

/** `repo@sha256:...` from `repo:tag` (or `host:port/repo:tag`) and a digest. */
export function pinnedRef(ref: string, digest: string): string {
  return `${repositoryOf(ref)}@${digest}`;
}

/** The repository part of a reference: everything before the tag or digest (a registry port is kept). */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const withoutDigest = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}
