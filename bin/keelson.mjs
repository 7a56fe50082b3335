#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx keelson` works in a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/program.ts');
await main(process.argv);
