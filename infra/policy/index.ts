/** The keelson policy pack: `pulumi preview --policy-pack infra/policy`. Tests import `policies.ts` instead. */
import { PolicyPack } from '@pulumi/policy';
import {
  analysisFailsClosed,
  gpuNodesTainted,
  gpuPodsTolerateTaint,
  imagesPinnedByDigest,
  noPublicLoadBalancer,
  nonRootWithLimits,
  productionReplicas,
  productionRolloutAnalysis,
} from './policies.js';

new PolicyPack('keelson', {
  policies: [
    nonRootWithLimits,
    gpuPodsTolerateTaint,
    gpuNodesTainted,
    imagesPinnedByDigest,
    noPublicLoadBalancer,
    productionReplicas,
    productionRolloutAnalysis,
    analysisFailsClosed,
  ],
});
