#!/usr/bin/env node
// Thin launcher: the CLI is written in TypeScript and built into dist/ by `npm run build`.
import { main } from '../dist/compiler/cli.js';

process.exitCode = await main(process.argv.slice(2));
