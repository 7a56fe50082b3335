/**
 * What a rollout needs from whatever carries its traffic and runs its instances. The local platform's
 * `PlatformClient` implements it; the cluster path (Argo Rollouts) is to implement the same port. The controller,
 * `runRollout` and the rollback window see only this.
 */
import type { RolloutClaim, RolloutProgress } from '../platform/control.js';
import type { RolloutDecider } from '../contract/decisions.js';
import type { Variant, Weights } from '../contract/variants.js';
import type { InstanceRecord, PlatformState, RolloutEnd, RolloutRecord } from '../platform/state.js';

/**
 * The errors an implementation signals with, so that the controller can tell them apart: `PlatformNotFound` (the
 * rollout is no longer registered: it ended elsewhere), `PlatformConflict` (refused in this state, e.g. another
 * rollout runs, or a promotion whose canary vanished), `PlatformUnavailable` (nothing to talk to) and
 * `PlatformUnreachable` (it stopped answering).
 */
export { PlatformConflict, PlatformNotFound, PlatformUnavailable, PlatformUnreachable } from '../platform/errors.js';

/** The platform's state at one moment, and the traffic each variant has answered. */
export interface RolloutView {
  state: PlatformState;
  /**
   * Requests answered per variant, counted by what carries the traffic (the router here; the mesh or ingress in a
   * cluster) and only ever growing. The rollout's one count of exposure: see `drive`.
   */
  answered: Record<Variant, number>;
}

/** Traffic and instances, as a rollout drives them. */
export interface RolloutPlatform {
  view(): Promise<RolloutView>;
  setWeights(weights: Weights): Promise<unknown>;
  /** Starts a canary or baseline instance of `version`; it becomes ready (or fails) later, as `view` shows. */
  startInstance(role: Variant, version: string): Promise<InstanceRecord>;
  /** Registers the rollout (one at a time; `PlatformConflict` names the running one), resolving an orphaned one first. */
  beginRollout(claim: RolloutClaim): Promise<{ record: RolloutRecord; resolved: RolloutEnd | null }>;
  /** Reports progress (`keelson status` shows it); `PlatformNotFound` once the rollout ended elsewhere. */
  updateRollout(id: string, progress: RolloutProgress): Promise<unknown>;
  /**
   * Ends the rollout: all traffic to the canary's version (promote) or back to stable (rollback). Returns the
   * platform's record of the end, which may be someone else's if they ended it a moment earlier.
   */
  finish(id: string, action: 'promote' | 'rollback', reason: string, decidedBy: RolloutDecider): Promise<RolloutEnd>;
}
