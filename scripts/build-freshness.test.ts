import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDir, tempDir } from '../lib/testing/temp-dir';
import { buildIsCurrent } from './build-freshness.mjs';

let root = '';
afterEach(() => removeTempDir(root));

function write(rel: string, at: number): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, rel);
  fs.utimesSync(p, at, at);
}

describe('buildIsCurrent', () => {
  it('is false without a build, true for a build newer than every source, false once a source changes after it', () => {
    root = tempDir('cashtrace-build-freshness-');
    const t = Date.now() / 1000 - 1000;
    write('app/page.tsx', t);
    write('lib/clocks/refresher.ts', t);
    write('package.json', t);
    expect(buildIsCurrent(root, '.next-bench')).toBe(false);
    write('.next-bench/BUILD_ID', t + 10);
    expect(buildIsCurrent(root, '.next-bench')).toBe(true);
    // files beside the sources (node_modules, dot directories) do not count
    write('lib/node_modules/x/index.js', t + 20);
    write('lib/.cache/x', t + 20);
    expect(buildIsCurrent(root, '.next-bench')).toBe(true);
    write('lib/clocks/refresher.ts', t + 30);
    expect(buildIsCurrent(root, '.next-bench')).toBe(false);
    write('.next-bench/BUILD_ID', t + 40);
    write('sql/100_new.sql', t + 50);
    expect(buildIsCurrent(root, '.next-bench')).toBe(false);
  });
});
