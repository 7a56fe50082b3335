import { describe, expect, it } from 'vitest';
import { loadDeploySpec } from '../../contract/deploy-spec.js';
import { buildDashboards, DashboardConfigError } from '../../dashboards/index.js';
import { KEELSON_ARGO } from '../../dashboards/external-metrics.js';
import { judgeEndpoint, renderService } from '../../infra/render/index.js';
import { kibanaDiscoverUrl } from '../../dashboards/kibana.js';
import { allPanels, dashboardQueries, panelsOf, targetsOf, variableReferences } from './helpers/dashboard-queries.js';

const PROMETHEUS_REF = { type: 'prometheus', uid: '${datasource}' };
const built = buildDashboards();

describe('generated dashboards', () => {
  it('are the five dashboards, each written to <uid>.json', () => {
    expect(built.map((b) => b.uid)).toEqual([
      'keelson-service-overview',
      'keelson-canary-analysis',
      'keelson-model-quality',
      'keelson-gpu',
      'keelson-logs',
    ]);
    expect(built.map((b) => b.fileName)).toEqual(built.map((b) => `${b.uid}.json`));
  });

  describe.each(built.map((b) => [b.uid, b] as const))('%s', (_uid, item) => {
    const { dashboard } = item;

    it('has what Grafana needs to import it: uid, title, schemaVersion, a Prometheus datasource variable', () => {
      expect(dashboard.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      expect(dashboard.title).toMatch(/^keelson \/ /);
      expect(dashboard.schemaVersion).toBe(41);
      const datasource = dashboard.templating.list?.find((v) => v.name === 'datasource');
      expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
      // The JSON round-trips (no functions, no undefined-only structures Grafana would drop).
      expect(JSON.parse(JSON.stringify(dashboard))).toEqual(dashboard);
    });

    it('points every panel, query, variable and annotation at the datasource variable', () => {
      for (const panel of panelsOf(dashboard)) {
        expect(panel.datasource, panel.title).toEqual(PROMETHEUS_REF);
        const targets = targetsOf(panel);
        expect(targets.length, panel.title).toBeGreaterThan(0);
        for (const t of targets) {
          expect(t.datasource, panel.title).toEqual(PROMETHEUS_REF);
          expect(t.expr, panel.title).not.toBe('');
        }
        expect(new Set(targets.map((t) => t.refId)).size, `${panel.title}: refIds unique`).toBe(targets.length);
        expect(targets.every((t) => /^[A-Z]$/.test(t.refId ?? ''))).toBe(true);
      }
      for (const v of dashboard.templating.list ?? []) if (v.type === 'query') expect(v.datasource).toEqual(PROMETHEUS_REF);
      for (const a of dashboard.annotations.list ?? []) expect(a.datasource).toEqual(PROMETHEUS_REF);
    });

    it('numbers panels uniquely and lays them out on the 24-column grid without overlaps', () => {
      const panels = allPanels(dashboard);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && (id as number) > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const boxes = panels.map((p) => ({ title: p.title, ...p.gridPos! }));
      for (const b of boxes) expect(b.x + b.w, b.title).toBeLessThanOrEqual(24);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
        }
      }
    });

    it('defines every template variable its queries and links use', () => {
      const defined = new Set((dashboard.templating.list ?? []).map((v) => v.name));
      const text = JSON.stringify(dashboard.panels) + JSON.stringify(dashboard.annotations) + JSON.stringify(dashboard.templating);
      for (const name of variableReferences(text)) expect(defined, `$${name}`).toContain(name);
    });

    it('keeps its structure (snapshot: rows, panel titles and types, queries, variables, annotations)', () => {
      const rows: { row: string; panels: { title?: string; type: string; queries: string[] }[] }[] = [];
      for (const p of allPanels(dashboard)) {
        if (p.type === 'row') rows.push({ row: p.title ?? '', panels: [] });
        else rows.at(-1)?.panels.push({ title: p.title, type: p.type, queries: targetsOf(p).map((t) => t.expr ?? '') });
      }
      expect({
        title: dashboard.title,
        variables: (dashboard.templating.list ?? []).map((v) => `${v.name} (${v.type})`),
        annotations: (dashboard.annotations.list ?? []).map((a) => `${a.name}: ${a.expr}`),
        rows,
      }).toMatchSnapshot();
    });
  });

  it('filters by namespace, model and version on the service, canary, model-quality and logs dashboards', () => {
    for (const uid of ['keelson-service-overview', 'keelson-canary-analysis', 'keelson-model-quality', 'keelson-logs']) {
      const item = built.find((b) => b.uid === uid)!;
      const names = (item.dashboard.templating.list ?? []).map((v) => v.name);
      expect(names, uid).toEqual(expect.arrayContaining(['namespace', 'model', 'version']));
      for (const q of dashboardQueries(item).filter((f) => f.kind === 'panel')) {
        expect(q.expr, `${uid} / ${q.where}`).toContain('namespace=~"$namespace"');
      }
    }
  });

  it('compares the canary with the chosen baseline through the variant label', () => {
    const canary = built.find((b) => b.uid === 'keelson-canary-analysis')!;
    const exprs = dashboardQueries(canary).map((q) => q.expr).join('\n');
    expect(exprs).toContain('variant=~"$baseline|canary"');
    expect(exprs).toContain('keelson_rollout_weight');
    // A verdict marks the time line wherever it comes from: the router locally, the judge service in the cluster.
    expect(canary.dashboard.annotations.list?.map((a) => a.expr)).toEqual(
      ['continue', 'promote', 'rollback'].map(
        (d) => `keelson_rollout_verdict{namespace=~"$namespace", decision="${d}"} == 1 or keelson_judge_verdict{namespace=~"$namespace", decision="${d}"} == 1`,
      ),
    );
  });

  it('names the cluster canary as infra/render does: Rollout, judge metric, judge Service (its ServiceMonitor job)', () => {
    const objects = renderService(loadDeploySpec('deploy/production.yaml'), { namespace: 'keelson' });
    const template = objects.find((o) => o.kind === 'AnalysisTemplate') as unknown as { spec: { metrics: { name: string }[] } };
    expect(objects.find((o) => o.kind === 'Rollout')?.metadata.name).toBe(KEELSON_ARGO.rollout);
    expect(template.spec.metrics.map((m) => m.name)).toEqual([KEELSON_ARGO.judgeMetric]);
    expect(new URL(judgeEndpoint('keelson')).hostname).toBe(`${KEELSON_ARGO.judgeJob}.keelson.svc`);
  });
});

describe('logs dashboard', () => {
  const logs = buildDashboards({ kibanaUrl: 'https://kibana.example.com/', kibanaDataView: 'keelson-logs' }).find((b) => b.uid === 'keelson-logs')!;

  it('links every panel of every row to Kibana Discover filtered by service and request id', () => {
    const panels = panelsOf(logs.dashboard);
    expect(panels.length).toBeGreaterThanOrEqual(4);
    for (const panel of panels) {
      const links = [...(panel.links ?? []), ...(panel.fieldConfig?.defaults.links ?? [])].map((l) => l.url ?? '');
      expect(links.length, panel.title).toBeGreaterThan(0);
      for (const url of links) {
        expect(url, panel.title).toMatch(/^https:\/\/kibana\.example\.com\/app\/discover#\/\?_g=\(time:\(from:'\$\{__from:date:iso\}',to:'\$\{__to:date:iso\}'\)\)&_a=\(index:'keelson-logs',query:\(language:kuery,query:'/);
        expect(decodeURIComponent(url), panel.title).toContain('(service.name:"${service:percentencode}")');
      }
    }
    const requestRows = panels.filter((p) => p.title !== 'Model versions ready');
    for (const panel of requestRows) {
      expect(decodeURIComponent(panel.links?.[0].url ?? ''), panel.title).toContain('(http.request.id:${request_id:percentencode})');
    }
  });

  it('offers the request id and service as variables, any request by default', () => {
    const vars = Object.fromEntries((logs.dashboard.templating.list ?? []).map((v) => [v.name, v]));
    expect(vars.request_id).toMatchObject({ type: 'textbox', query: '*' });
    expect(vars.service).toMatchObject({ type: 'textbox', query: 'keelson' });
  });

  it('builds Discover URLs that keep Grafana placeholders and escape Rison', () => {
    const url = kibanaDiscoverUrl({ baseUrl: 'http://k:5601', dataView: '' }, ["a:\"it's ${x}!\""], 'event.duration');
    expect(url).toBe(
      "http://k:5601/app/discover#/?_g=(time:(from:'${__from:date:iso}',to:'${__to:date:iso}'))&_a=(query:(language:kuery,query:'(a%3A%22it!'s%20${x}!!%22)'),sort:!(!('event.duration',desc)))",
    );
  });

  it('refuses a Kibana URL that is not an absolute http(s) URL', () => {
    expect(() => buildDashboards({ kibanaUrl: 'kibana:5601' })).toThrow(DashboardConfigError);
    expect(() => buildDashboards({ kibanaUrl: 'ftp://kibana' })).toThrow("'kibanaUrl' (\"ftp://kibana\") must be an absolute http(s) URL");
  });
});
