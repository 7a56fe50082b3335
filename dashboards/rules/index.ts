import { stringify } from 'yaml';
import { resolveRuleOptions, type RuleOptions } from '../options.js';
import { accuracyRuleGroup } from './accuracy.js';
import { modelRuleGroup } from './model.js';
import { gpuRuleGroup } from './platform.js';
import { rolloutRuleGroup } from './rollout.js';
import { sloRuleGroups } from './slo.js';
import type { RuleFile } from './types.js';

/**
 * Every keelson Prometheus rule group (SLO recordings and burn-rate alerts, model, GPU and rollout alerts),
 * as a rule file object: write it as YAML for Prometheus, or use it as a PrometheusRule `spec`.
 * Throws `DashboardConfigError` for invalid options.
 */
export function buildRuleGroups(options: Partial<RuleOptions> = {}): RuleFile {
  const resolved = resolveRuleOptions(options);
  return {
    groups: [...sloRuleGroups(resolved), modelRuleGroup(resolved), accuracyRuleGroup(resolved), gpuRuleGroup(resolved), rolloutRuleGroup(resolved)],
  };
}

/** The rule file as Prometheus reads it (YAML, expressions never folded). */
export function renderRuleFile(file: RuleFile): string {
  return stringify(file, { lineWidth: 0 });
}
