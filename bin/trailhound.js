#!/usr/bin/env node
// The `trailhound` command. The code is TypeScript; tsx's loader runs it directly, so
// `npm ci && npx trailhound --help` works on a fresh clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
