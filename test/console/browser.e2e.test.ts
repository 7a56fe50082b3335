import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutDetailSchema, rolloutListSchema } from '../../console/api-schema.js';
import { parseRolloutPolicy } from '../../rollout/policy.js';
import { runRollout } from '../../rollout/run-rollout.js';
import { requireTool } from '../helpers/tools.js';
import { backgroundTraffic, keelson, startDetachedPlatform, type DetachedPlatform } from '../platform/harness.js';
import { FAST_POLICY_INPUT, reportsDir, ROLLBACK_POLICY } from '../rollout/e2e-helpers.js';

// Screenshots go to a temporary folder; KEELSON_CONSOLE_SCREENSHOTS=docs/images regenerates the ones in the docs.
const SHOTS = process.env.KEELSON_CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'keelson-console-shots-'));
const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// Long steps: the rollout of a good version is still running when the person presses Promote.
const SLOW_POLICY = parseRolloutPolicy({ ...FAST_POLICY_INPUT, interval: '40s', analysisTimeout: '3m' });

const haveChromium = requireTool('chromium');
let platform: DetachedPlatform;
let browser: Browser;
let page: Page;
let traffic: ReturnType<typeof backgroundTraffic>;
let consoleUrl: string;

beforeAll(async () => {
  if (!haveChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  platform = await startDetachedPlatform('2');
  consoleUrl = `${platform.state().platform!.controlUrl}/console/`;
  traffic = backgroundTraffic(platform.routerUrl, 40);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await traffic?.stop().catch(() => undefined);
  await platform?.stop();
});

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays as served): no serious or critical violation. */
async function expectAccessible(what: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))})`);
  });
  expect(violations, `${what}: axe violations`).toEqual([]);
}

const outcomeBadge = (text: string) => page.locator('.outcome .badge', { hasText: text });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });

describe.skipIf(!haveChromium)('the console in a real browser against a real platform', { timeout: 240_000 }, () => {
  it('shows the platform now, follows a rollout of the shifted version live to its rollback and reason, and lists it in the history', async () => {
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Now: penguins:2' }).waitFor();
    await page.getByText('stable 100%').waitFor();
    await page.locator('td', { hasText: 'ready' }).first().waitFor();
    await expectAccessible('now');
    await shot('now');

    const id = `penguins-4-console-${Date.now()}`;
    const rollout = runRollout({ model: 'penguins', version: '4', policy: ROLLBACK_POLICY, paths: platform.paths, reportsDir: reportsDir(), id });
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    // The Now page learns of the rollout by itself (event stream), then its link opens the rollout page.
    await page.getByRole('link', { name: 'penguins:2 → penguins:4' }).click({ timeout: 30_000 });
    await outcomeBadge('RUNNING').waitFor();
    await page.locator('tbody tr', { hasText: /continue|rollback|no data/ }).first().waitFor({ timeout: 30_000 });
    await page.getByText(/step [12] of 2/).first().waitFor();
    await shot('rollout-live');
    await expectAccessible('rollout running');

    const result = await rollout;
    expect(result.outcome).toBe('rolled-back');
    await outcomeBadge('ROLLED BACK').waitFor({ timeout: 15_000 });
    await page.locator('.outcome', { hasText: /predict|class/i }).waitFor();
    expect(await page.locator('.outcome').innerText()).toContain(result.reason);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 'the page updated without a reload').toBe(42);
    await page.locator('figcaption', { hasText: /predictions.*against its boundary/ }).first().waitFor();
    await page.locator('.sentence').first().waitFor();
    await page.locator('tbody tr', { hasText: 'rollback' }).last().waitFor();
    expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(5);
    await shot('rollout-rolled-back');

    const detail = rolloutDetailSchema.parse(await (await fetch(`${consoleUrl}api/rollouts/${id}`)).json());
    expect(detail.summary).toMatchObject({ outcome: 'rolled-back', running: false, decidedBy: 'judge', reason: result.reason });
    expect(detail.looks.t.length).toBeGreaterThan(0);
    expect(detail.metrics.map((m) => m.name)).toContain('predictions');

    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible('rollout, dark');
    await shot('rollout-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('link', { name: 'History' }).click();
    const row = page.locator('tbody tr', { hasText: id });
    await row.getByText('ROLLED BACK').waitFor();
    expect(await row.innerText()).toContain('judge');
    expect(rolloutListSchema.parse(await (await fetch(`${consoleUrl}api/rollouts`)).json()).rollouts[0]!.id).toBe(id);
    await expectAccessible('history');
    await shot('history');
  });

  it('refuses Promote without a login and says how to log in; after `keelson console` login it promotes', async () => {
    const id = `penguins-1-console-${Date.now()}`;
    const rollout = runRollout({ model: 'penguins', version: '1', policy: SLOW_POLICY, paths: platform.paths, reportsDir: reportsDir(), id });
    await page.goto(`${consoleUrl}#/rollouts/${id}`);
    await outcomeBadge('RUNNING').waitFor({ timeout: 30_000 });
    await page.getByText('Read-only: to promote or roll back').waitFor();
    await page.getByRole('button', { name: 'Promote…' }).click();
    await page.getByRole('button', { name: 'Yes, promote now' }).click();
    await page.getByRole('alert').filter({ hasText: 'Refused (401)' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('keelson console');
    expect(platform.state().rollout?.id).toBe(id);
    await shot('promote-refused');

    const cli = await keelson(['console', '--json'], { KEELSON_HOME: platform.paths.root });
    expect(cli.code, cli.stderr).toBe(0);
    const { loginUrl } = JSON.parse(cli.stdout) as { loginUrl: string };
    await page.goto(loginUrl);
    expect(page.url()).toBe(consoleUrl);
    await page.goto(`${consoleUrl}#/rollouts/${id}`);
    await page.getByText('logged in').waitFor();
    await page.getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Promote penguins:1 now: all traffic goes to it').waitFor();
    await expectAccessible('promote confirmation');
    await shot('promote-confirm');
    await dialog.getByRole('button', { name: 'Yes, promote now' }).click();
    const answer = page.getByRole('alert').filter({ hasText: /Done|Refused/ });
    await answer.waitFor({ timeout: 60_000 });
    expect(await answer.innerText()).toContain('Done: promoted (decided by person)');
    const result = await rollout;
    expect(result).toMatchObject({ outcome: 'promoted', decidedBy: 'person' });
    expect(platform.state().stable.version).toBe('1');
    await outcomeBadge('PROMOTED').waitFor();
    await shot('promoted');
  });

  it('shows model quality (drift, class mix against the reference, labels) and fits a phone', async () => {
    await page.goto(`${consoleUrl}#/quality`);
    await page.getByRole('heading', { name: 'Model quality: penguins' }).waitFor();
    await page.getByRole('heading', { name: 'Input drift (PSI per feature)' }).waitFor();
    await page.getByRole('cell', { name: 'Chinstrap' }).first().waitFor();
    await page.getByText(/No labels yet|labelled predictions were right/).first().waitFor();
    await expectAccessible('quality');
    await shot('quality');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Now: penguins:1' }).waitFor();
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, 'no sideways scrolling at phone width').toBeLessThanOrEqual(0);
    await expectAccessible('now, phone');
    await shot('now-phone');
  });
});
