// Whether a production build in `distDir` is newer than every source it was built from
// (app, lib, collectors, sql, instrumentation.ts, package.json, next.config.js): `npm start`
// and `npm run bench` rebuild when it is not.

import fs from 'node:fs';
import path from 'node:path';

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

const BUILD_SOURCES = ['app', 'lib', 'collectors', 'sql', 'instrumentation.ts', 'package.json', 'next.config.js'];

/** True when `distDir` (relative to `root`) holds a build newer than all of BUILD_SOURCES. */
export function buildIsCurrent(root, distDir) {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!fs.existsSync(buildId)) return false;
  const sources = Math.max(...BUILD_SOURCES.map((s) => newestMtime(path.join(root, s))));
  return fs.statSync(buildId).mtimeMs >= sources;
}
