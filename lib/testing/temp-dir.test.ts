import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deferTempRemoval, removeTempDir, tempDir } from './temp-dir';

describe('deferTempRemoval (the bench frees no file until it is done)', () => {
  const before = { tmpdir: process.env.TMPDIR, defer: process.env.CASHTRACE_DEFER_TEMP_REMOVAL };
  afterEach(() => {
    expect(process.env.TMPDIR).toBe(before.tmpdir);
    expect(process.env.CASHTRACE_DEFER_TEMP_REMOVAL).toBe(before.defer);
  });

  it('puts every temporary directory under one root, keeps removed ones until the end, then removes the root', () => {
    const outside = os.tmpdir();
    const done = deferTempRemoval('cashtrace-defer-test-');
    const root = os.tmpdir();
    expect(path.dirname(root)).toBe(outside);
    const dir = tempDir('store-');
    expect(path.dirname(dir)).toBe(root);
    fs.writeFileSync(path.join(dir, 'part.bin'), 'x');
    removeTempDir(dir);
    expect(fs.existsSync(path.join(dir, 'part.bin'))).toBe(true);
    done();
    expect(os.tmpdir()).toBe(outside);
    expect(fs.existsSync(root)).toBe(false);
    // Once only: a second call leaves a later deferral's settings alone.
    const later = deferTempRemoval('cashtrace-defer-test-');
    done();
    expect(path.dirname(os.tmpdir())).toBe(outside);
    later();
  });

  it('removes directories at once outside a deferral', () => {
    const dir = tempDir('plain-');
    removeTempDir(dir);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
