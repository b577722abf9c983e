#!/usr/bin/env node
// The `vrn` command. The code is TypeScript, run through tsx's loader so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
