import * as k8s from '@pulumi/kubernetes';
import type { PinnedChart } from '../versions.js';

/** Release arguments for a pinned chart: https repositories go to `repositoryOpts`, OCI charts into `chart`. */
export function pinnedRelease(pinned: PinnedChart): Pick<k8s.helm.v3.ReleaseArgs, 'chart' | 'version' | 'repositoryOpts'> {
  if (pinned.repo.startsWith('oci://')) return { chart: `${pinned.repo}/${pinned.chart}`, version: pinned.version };
  return { chart: pinned.chart, version: pinned.version, repositoryOpts: { repo: pinned.repo } };
}
