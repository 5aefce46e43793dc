#!/usr/bin/env node
// The `cairn` command as npm links it. This file is committed (plain JS, mode 755) rather than compiled, so
// `npm install` can link it before the build has made dist/, and the link works whatever the build order.
// It runs the compiled CLI in this same process: signals, stdio and exit codes are the CLI's own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(`cairn: the CLI is not built (${fileURLToPath(entry)} is missing); run \`npm run build\` in the repository root\n`);
  process.exit(1);
}
await import(entry.href);
