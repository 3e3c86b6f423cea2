#!/usr/bin/env node
// The `grantboard` command: runs the compiled CLI (`npm run build` produces it; `npm install` runs the build).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
