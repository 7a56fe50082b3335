import { test } from 'vitest';
import { runProgram } from '/work/main/test/infra/harness.js';
test('probe', async () => {
  const t0 = Date.now();
  const run = await runProgram('production', { provider: 'eks', grafanaAdminPassword: 'pw' }, ['grafanaAdminPassword']);
  console.log(Date.now() - t0, 'ms', run.resources.length);
  for (const r of run.resources) console.log(r.type, r.name, r.inputs.kind ?? '');
  console.log(run.outputs);
}, 120000);
