// Files that configuration names (a CA, a key, credentials, business calendars), read at
// start. Apart from lib/env.ts so that the environment's schema, which modules shared with
// the browser's bundles import (lib/money/rates through the queries' response schemas),
// needs no node:fs.

import fs from 'node:fs';

/** A file a variable names (a CA, a key, credentials), read at start: unreadable, an error naming the variable. */
export function readConfigFile(file: string, variable: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${err instanceof Error ? err.message : err})`);
  }
}
