// Files that configuration names (a CA, a key, credentials, business calendars), read at
// start. Apart from lib/env.ts so that the environment's schema, which modules shared with
// the browser's bundles import (lib/money/rates through the queries' response schemas),
// needs no node:fs; and node:fs is taken at call time (process.getBuiltinModule, Node
// 20.16+), not imported, because lib/sla/calendars reads its file here and the queries'
// response schemas that client components import reach it too: a bundler refuses node:fs.

import type * as Fs from 'node:fs';

/** A file a variable names (a CA, a key, credentials), read at start: unreadable, an error naming the variable. */
export function readConfigFile(file: string, variable: string): Buffer {
  const fs = process.getBuiltinModule('node:fs') as typeof Fs;
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${err instanceof Error ? err.message : err})`);
  }
}
