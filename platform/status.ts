import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { isAlive, readState, type PlatformState } from './state.js';

/** The platform's part of `keelson status`: state.json and whether its platform is alive. */
export interface StatusView {
  home: string;
  running: boolean;
  state: PlatformState | null;
}

export async function readStatus(paths: KeelsonPaths = keelsonPaths()): Promise<StatusView> {
  const state = readState(paths.state);
  return { home: paths.root, running: Boolean(state?.platform && isAlive(state.platform.pid)), state };
}

/** Human-readable lines; `more` (other parts' lines, such as the GitOps agent's) goes before the history. */
export function formatStatus(view: StatusView, historyLines = 8, more: readonly string[] = []): string[] {
  const s = view.state;
  if (!s) return [`no platform has run from ${view.home}: start one with \`keelson up\``];
  const lines: string[] = [];
  lines.push(view.running && s.platform
    ? `platform: running (pid ${s.platform.pid}) — router ${s.platform.routerUrl}, ${s.platform.runtime} runtime`
    : 'platform: stopped (start it with `keelson up`)');
  lines.push(`stable:   ${s.model}:${s.stable.version}`);
  if (s.canary) lines.push(`canary:   ${s.model}:${s.canary.version}`);
  lines.push(`weights:  stable ${s.weights.stable}%, baseline ${s.weights.baseline}%, canary ${s.weights.canary}%`);
  if (s.rollout) {
    const r = s.rollout;
    const step = r.step >= 0 ? `step ${r.step + 1}/${r.stepCount}` : r.phase;
    lines.push(`rollout:  ${r.id} (${r.model}:${r.fromVersion} → ${r.toVersion}), ${step}, run by pid ${r.ownerPid}${isAlive(r.ownerPid) ? '' : ' (gone: the platform rolls it back)'}`);
    if (r.lastDecision) lines.push(`          last verdict: ${r.lastDecision}${r.lastReasons?.[0] ? ` — ${r.lastReasons[0]}` : ''}`);
  }
  if (s.lastRollout) {
    const l = s.lastRollout;
    lines.push(`last rollout: ${l.id} ${l.outcome} at ${l.at}: ${l.reason}`);
  }
  if (s.instances.length > 0) {
    lines.push('instances:');
    for (const i of s.instances) lines.push(`  ${i.name.padEnd(32)} ${i.role.padEnd(8)} ${`${i.model}:${i.version}`.padEnd(12)} ${i.status.padEnd(8)} ${i.url}${i.pid ? ` pid ${i.pid}` : ''}`);
  }
  lines.push(...more);
  const recent = s.history.slice(-historyLines);
  if (recent.length > 0) {
    lines.push('history:');
    for (const h of recent) lines.push(`  ${h.at} ${h.message}`);
  }
  return lines;
}
