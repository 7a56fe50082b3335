/** The keelson policy pack: `pulumi preview --policy-pack infra/policy`. Tests import `policies.ts` instead. */
import { PolicyPack } from '@pulumi/policy';
import {
  analysisFailsClosed,
  endpointProtectedAdvisory,
  gpuNodesTainted,
  gpuPodsTolerateTaint,
  imagesPinnedByDigest,
  noPublicLoadBalancer,
  nonRootWithLimits,
  productionReplicas,
  productionEndpointProtected,
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
    productionEndpointProtected,
    endpointProtectedAdvisory,
  ],
});
