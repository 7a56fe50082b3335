import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANT_LABEL } from '../contract/metrics.js';
import type { KeelsonPaths } from '../contract/keelson-paths.js';
import type { PlatformState } from './state.js';

/** One file_sd entry: Prometheus scrapes `targets` and attaches `labels` to every series. */
interface FileSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** file_sd target groups for the instances: the `variant` label tells stable, baseline and canary apart. */
function instanceTargets(state: PlatformState): FileSdGroup[] {
  return state.instances
    .filter((i) => i.status === 'starting' || i.status === 'ready')
    .map((i) => ({
      targets: [new URL(i.url).host],
      labels: { [VARIANT_LABEL]: i.role, instance_name: i.name, model: i.model, version: i.version },
    }));
}

/** A Prometheus configuration that scrapes the router and every instance (through targets.json, kept current). */
function prometheusYaml(routerHostPort: string, scrapeInterval = '2s'): string {
  return [
    '# Written by `keelson up`: run `prometheus --config.file=.keelson/prometheus/prometheus.yml` to scrape the local platform.',
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:',
    '  - job_name: keelson-instances',
    '    file_sd_configs:',
    '      - files: [targets.json]',
    '        refresh_interval: 1s',
    '  - job_name: keelson-router',
    '    static_configs:',
    `      - targets: ['${routerHostPort}']`,
    '',
  ].join('\n');
}

/** Writes prometheus.yml once and targets.json on every change (atomically: Prometheus re-reads it on its own). */
export function createScrapeConfigWriter(paths: KeelsonPaths, routerHostPort: string): (state: PlatformState) => void {
  mkdirSync(paths.prometheus, { recursive: true });
  writeFileSync(join(paths.prometheus, 'prometheus.yml'), prometheusYaml(routerHostPort));
  let last = '';
  return (state) => {
    const text = `${JSON.stringify(instanceTargets(state), null, 2)}\n`;
    if (text === last) return;
    last = text;
    const file = join(paths.prometheus, 'targets.json');
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
}
