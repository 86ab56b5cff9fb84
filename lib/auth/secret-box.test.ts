// Encryption at rest of signing secrets: AES-256-GCM round trip, fresh IV per value, bound to
// its row (AAD), tamper-evident, and a changed CASHTRACE_SECRETS_KEY named as such.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '../env';
import { open, seal, secretsKeyInfo } from './secret-box';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-secretbox-'));
process.env.CASHTRACE_DATA_DIR = dir;
delete process.env.CASHTRACE_SECRETS_KEY;
resetEnvForTests();
afterAll(() => {
  delete process.env.CASHTRACE_SECRETS_KEY;
  resetEnvForTests();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('secret box', () => {
  it('round-trips, with a fresh IV each time, under a key generated into the data directory', () => {
    const a = seal('whsec_plain', 'sgs_1');
    const b = seal('whsec_plain', 'sgs_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_plain');
    expect(open(a, 'sgs_1')).toBe('whsec_plain');
    expect(secretsKeyInfo().origin).toBe('data directory');
    expect(fs.statSync(path.join(dir, 'secrets-key')).mode & 0o777).toBe(0o600);
  });

  it('refuses another row, a tampered value and a value that is not sealed', () => {
    const s = seal('whsec_plain', 'sgs_1');
    expect(() => open(s, 'sgs_2')).toThrow();
    const parts = s.split('.');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => open(parts.join('.'), 'sgs_1')).toThrow();
    expect(() => open('whsec_plain', 'sgs_1')).toThrow(/not a sealed secret/);
  });

  it('uses CASHTRACE_SECRETS_KEY when set, and says so when a value was sealed under another key', () => {
    const before = seal('whsec_plain', 'sgs_1');
    process.env.CASHTRACE_SECRETS_KEY = 'a-configured-key-of-at-least-32-characters';
    resetEnvForTests();
    expect(secretsKeyInfo().origin).toBe('CASHTRACE_SECRETS_KEY');
    expect(() => open(before, 'sgs_1')).toThrow(/CASHTRACE_SECRETS_KEY changed/);
    expect(open(seal('whsec_plain', 'sgs_1'), 'sgs_1')).toBe('whsec_plain');
  });
});
