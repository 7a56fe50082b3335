import type { InstanceRecord, PlatformState } from '../platform/state.js';

/** The canary and baseline instances of the running rollout, as the platform reports them. */
export interface Arms {
  canary: InstanceRecord | undefined;
  baseline: InstanceRecord | undefined;
}

export function findArms(state: PlatformState, names: { canary: string; baseline: string }): Arms {
  return {
    canary: state.instances.find((i) => i.name === names.canary),
    baseline: state.instances.find((i) => i.name === names.baseline),
  };
}

/** Names of the arms not ready yet, for the ready-timeout message. */
export function notReady(arms: Arms): string[] {
  const out: string[] = [];
  if (arms.canary?.status !== 'ready') out.push(`canary ${arms.canary?.model ?? ''}:${arms.canary?.version ?? '?'}`);
  if (arms.baseline?.status !== 'ready') out.push(`baseline ${arms.baseline?.model ?? ''}:${arms.baseline?.version ?? '?'}`);
  return out;
}

/** Why an arm is gone (exited, stopped by someone), or null when both are alive; `logOf` says where its log is. */
export function lostArm(arms: Arms, names: { canary: string; baseline: string }, logOf: (instance: string) => string): string | null {
  for (const role of ['canary', 'baseline'] as const) {
    const record = arms[role];
    if (!record) return `the ${role} instance ${names[role]} disappeared`;
    if (record.status === 'failed' || record.status === 'stopped' || record.status === 'draining') {
      const what = record.status === 'failed' ? (record.detail ?? 'failed') : `was stopped while the rollout needed it (${record.detail ?? record.status})`;
      return `the ${role} instance ${record.name} (${record.model}:${record.version}) ${what}; see ${logOf(record.name)}`;
    }
  }
  return null;
}
