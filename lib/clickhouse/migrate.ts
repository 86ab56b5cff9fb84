// Applies the numbered, forward-only migrations in sql/ once each, in order, recording
// them in schema_migrations. A failed migration stops start-up with its name and error.
// Retention TTLs come from configuration and are re-applied at every start.

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Store } from './client';
import { sql, trustedSql } from './sql';
import { env } from '../env';
import { grantsClause, isNotPermitted } from './grants';

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message.trim() : String(cause);
    const hint = isNotPermitted(cause)
      ? ` — Cashtrace creates and alters its tables at start and writes to them: CLICKHOUSE_USER must be a user that may (${grantsClause()}), not a read-only one`
      : '';
    super(`Migration ${migration} failed: ${reason}${hint}`);
    this.name = 'MigrationError';
  }
}

export function migrationsDir(): string {
  return path.resolve(process.cwd(), 'sql');
}

export function listMigrations(dir = migrationsDir()): { name: string; text: string }[] {
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      // path.join on its own: Turbopack does not honour the ignore comment on a
      // readFileSync(path.join(...)) (vercel/next.js#95125), and traced the whole project
      const file = path.join(/*turbopackIgnore: true*/ dir, name);
      return { name, text: fs.readFileSync(/*turbopackIgnore: true*/ file, 'utf8') };
    });
}

/** Statements in a file are separated by a semicolon at the end of a line. */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

/** Placeholders in migrations, filled from configuration. */
function substitute(text: string): string {
  const e = env();
  return text
    .replaceAll('{{events_ttl_days}}', String(e.CASHTRACE_RETENTION_EVENTS_DAYS))
    .replaceAll('{{payload_ttl_days}}', String(e.CASHTRACE_RETENTION_PAYLOAD_DAYS))
    .replaceAll('{{dead_letter_ttl_days}}', String(e.CASHTRACE_RETENTION_DEAD_LETTER_DAYS));
}

export async function runMigrations(store: Store, dir = migrationsDir()): Promise<string[]> {
  try {
    await store.command(sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY name`);
  } catch (err) {
    throw new MigrationError('schema_migrations (the table migrations are recorded in)', err);
  }
  const done = new Set(
    (await store.query<{ name: string }>(sql`SELECT name FROM schema_migrations`)).map((r) => r.name),
  );
  const applied: string[] = [];
  // An upgrade says what it does (a migration may rebuild a table: 059 took ~100 s at 10M
  // events); a new store's first start applies them all silently.
  const upgrade = done.size > 0;
  for (const m of listMigrations(dir)) {
    if (done.has(m.name)) continue;
    const started = Date.now();
    if (upgrade) console.log(`[migrate] applying ${m.name} …`);
    try {
      for (const stmt of splitStatements(substitute(m.text))) {
        await store.command(trustedSql(stmt)); // migration text: trusted file content from sql/
      }
    } catch (err) {
      throw new MigrationError(m.name, err);
    }
    const checksum = crypto.createHash('sha256').update(m.text).digest('hex');
    await store.command(sql`INSERT INTO schema_migrations (name, checksum) VALUES (${m.name}, ${checksum})`);
    applied.push(m.name);
    if (upgrade) console.log(`[migrate] applied ${m.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await applyRetention(store);
  return applied;
}


/**
 * When a record kept for `days` after `column` expires: at the end of its week's retention
 * (Monday of its week + days + 7), so at least `days` and at most a week more. The engine
 * clears expired values and rows by rewriting the parts that hold them, once a due moment has
 * passed; with yearly partitions (sql/059) that is the year's whole part (at 9.7M events a
 * ~450 MB part of `events`, ~12 s of a core, measured 2026-12-02). Expiring every second, the
 * records were always due: a rewrite every merge_with_ttl_timeout and one more at every
 * start (the engine forgets when it last ran). Expiring at one moment a week, a rewrite
 * clears a whole week and the next is due a week later, restarts or not.
 */
export function expirySql(column: string, days: number): string {
  return `toStartOfWeek(${column}, 1) + toIntervalDay(${days + 7})`;
}

/** Re-applies retention from configuration at every start: a metadata-only ALTER
 * (materialize_ttl_after_modify = 0), so old parts follow the new TTL at their next merge. */
async function applyRetention(store: Store): Promise<void> {
  const e = env();
  const kept = (column: string) => expirySql(column, e.CASHTRACE_RETENTION_EVENTS_DAYS);
  const statements = [
    // The clocks' copies of events (sql/042, 043) expire with the events they copy.
    ...['events', 'event_facts', 'event_refs'].map((t) => `ALTER TABLE ${t} MODIFY TTL ${kept('occurred_at')}`),
    `ALTER TABLE events MODIFY COLUMN payload String CODEC(ZSTD(3)) TTL ${expirySql('received_at', e.CASHTRACE_RETENTION_PAYLOAD_DAYS)}`,
    `ALTER TABLE clock_intervals MODIFY TTL ${kept('started_at')}`,
    `ALTER TABLE clock_days MODIFY TTL ${kept('start_day')}`,
    `ALTER TABLE flow_runs MODIFY TTL ${kept('at')}`,
    `ALTER TABLE flow_hours MODIFY TTL ${kept('hour')}`,
    `ALTER TABLE dead_letters MODIFY TTL ${expirySql('received_at', e.CASHTRACE_RETENTION_DEAD_LETTER_DAYS)}`,
  ];
  for (const stmt of statements) await store.command(trustedSql(`${stmt} SETTINGS materialize_ttl_after_modify = 0`));
  // and such a rewrite at most once a day per partition (default: every 4 h)
  await store.command(trustedSql(`ALTER TABLE events MODIFY SETTING merge_with_ttl_timeout = ${TTL_MERGE_INTERVAL_S}`));
}

/** Seconds between two merges of one partition that clear expired payloads or rows (see applyRetention). */
export const TTL_MERGE_INTERVAL_S = 86_400;
