import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DECISIONS, type Decision } from '../../../contract/decisions.js';
import { ROLLOUT_METRIC_HELP, ROLLOUT_VERDICT_METRIC, ROLLOUT_WEIGHT_METRIC } from '../../../contract/metrics.js';
import type { Variant } from '../../../contract/variants.js';

/** The exposition text a rollout exporter following the README contract serves. */
export function rolloutExposition(weights: Record<Variant, number>, rolloutId: string, latest: Decision): string {
  const lines = [
    `# HELP ${ROLLOUT_WEIGHT_METRIC} ${ROLLOUT_METRIC_HELP[ROLLOUT_WEIGHT_METRIC]}`,
    `# TYPE ${ROLLOUT_WEIGHT_METRIC} gauge`,
    ...Object.entries(weights).map(([variant, weight]) => `${ROLLOUT_WEIGHT_METRIC}{variant="${variant}"} ${weight}`),
    `# HELP ${ROLLOUT_VERDICT_METRIC} ${ROLLOUT_METRIC_HELP[ROLLOUT_VERDICT_METRIC]}`,
    `# TYPE ${ROLLOUT_VERDICT_METRIC} gauge`,
    ...DECISIONS.map((d) => `${ROLLOUT_VERDICT_METRIC}{rollout_id="${rolloutId}",decision="${d}"} ${d === latest ? 1 : 0}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** A loopback HTTP server answering `GET <path>` with fixed exposition text, for scrape targets that need hardware or a rollout. */
export async function serveExpositions(pages: Record<string, string>): Promise<{ host: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const body = pages[request.url ?? ''];
    if (body === undefined) {
      response.writeHead(404).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
