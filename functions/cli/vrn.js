#!/usr/bin/env -S node --max-semi-space-size=64
// The `vrn` command. The code is TypeScript, bundled on first use into node_modules/.cache (load.js): no build step.
// A larger young generation: ingest allocates many short-lived row objects (measured: about 15% faster).
import { loadMain } from './load.js';

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
