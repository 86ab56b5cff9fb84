// Configuration, parsed once with zod. Bad configuration fails at start with a message
// naming the variable; nothing else in the code reads process.env directly.

import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  CASHTRACE_DATA_DIR: z.string().min(1).default('./data'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('default'),
  /** A ClickHouse server over HTTPS whose certificate a private CA signed: that CA (PEM file). */
  CLICKHOUSE_CA_CERT: z.string().min(1).optional(),
  NATS_URL: z.string().optional(),
  /** Prefix of every stream, subject and consumer, so several deployments (or tests) share one NATS. */
  CASHTRACE_NATS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('cashtrace'),
  /** A secured NATS: one way to authenticate (user and password, a token, an NKey seed file or a .creds file) and TLS files (PEM). */
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().min(1).optional(),
  NATS_NKEY_SEED: z.string().min(1).optional(),
  NATS_CREDS: z.string().min(1).optional(),
  NATS_TLS_CA: z.string().min(1).optional(),
  NATS_TLS_CERT: z.string().min(1).optional(),
  NATS_TLS_KEY: z.string().min(1).optional(),
  /** With NATS: the ingest writer's lease (seconds); a standby worker takes over this long after the holder's last renewal. */
  CASHTRACE_WRITER_LEASE_S: z.coerce.number().min(1).max(600).default(15),
  /** Copies JetStream keeps of each stream (unset: 3 on a cluster of three or more servers, else 1). */
  CASHTRACE_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  CASHTRACE_INGEST_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Run the ingest worker (bus consumer ▶ batcher ▶ ClickHouse) inside the web process. */
  CASHTRACE_INGEST_WORKER: bool.default(true),
  CASHTRACE_SIMULATOR: z.enum(['off', 'backfill', 'live']).default('off'),
  CASHTRACE_SIMULATOR_SEED: z.coerce.number().int().default(42),
  CASHTRACE_SIMULATOR_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  CASHTRACE_SIMULATOR_DEALS: z.coerce.number().int().min(1).max(1_000_000).default(3000),
  /** Live mode: simulated business minutes per wall-clock second. */
  /** Live: simulated minutes per wall-clock second. The default, 1/60, is real time: events are never dated in the future. */
  CASHTRACE_SIMULATOR_SPEED: z.coerce.number().min(0.001).max(100000).default(1 / 60),
  /** Where the simulator sends: canonical NDJSON to /api/ingest/events, or each vendor's native format through its collector. */
  CASHTRACE_SIMULATOR_SINK: z.enum(['canonical', 'native']).optional(),
  /** Base URL of a running Cashtrace for the simulator (default http://127.0.0.1:$PORT). */
  CASHTRACE_URL: z.url().optional(),
  /** `npm run bench`: small (100k/1M events) or full (1M/10M); rebuild the bench's production build. */
  BENCH_SCALE: z.enum(['small', 'full']).default('full'),
  BENCH_REBUILD: bool.default(false),
  /** `npm run bench:clocks`: events in the store, where it persists between runs, and another
   * checkout whose lib/queries are timed side by side with this one (before/after). */
  BENCH_CLOCK_EVENTS: z.coerce.number().int().min(1000).default(1_000_000),
  BENCH_STORE_DIR: z.string().optional(),
  BENCH_COMPARE_ROOT: z.string().optional(),
  /** `npm run bench:clocks`: time the queries with one SLA policy of one's own enabled (bench/clocks.ts OWN_POLICY). */
  BENCH_OWN_POLICY: bool.default(false),
  /** `npm run bench`: run only one section (ingest: raw insert and the pipeline, no collectors or queries). */
  BENCH_ONLY: z.enum(['ingest']).optional(),
  // Before timing queries, wait (up to this many seconds; 0: not at all) for the engine's
  // background merges of the freshly loaded store to finish (bench/data settleMerges).
  BENCH_SETTLE_S: z.coerce.number().int().min(0).default(300),
  /** `npm run bench`: rounds of raw insert ▶ embedded ▶ NATS (the ratios are medians over rounds, each against its own raw rate). */
  BENCH_INGEST_ROUNDS: z.coerce.number().int().min(1).max(9).default(3),
  /** Requests of 5k events the bench's client keeps in flight against the ingest endpoint; a comma list ("4,8") runs each, side by side. */
  BENCH_INGEST_CLIENTS: z
    .string()
    .default('8')
    .transform((v) => v.split(',').map((x) => Number(x.trim())))
    .refine((xs) => xs.length > 0 && xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 64), 'a comma list of whole numbers from 1 to 64'),
  CASHTRACE_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Default 20,000 (lib/runtime.ts). */
  CASHTRACE_BATCH_MAX_ROWS: z.coerce.number().int().min(1).optional(),
  CASHTRACE_BATCH_MAX_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  CASHTRACE_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).default(50),
  /** Ingest batches being written at once (the next is prepared while one is inserted). */
  CASHTRACE_BATCH_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(2),
  /** Connections ingest batches are inserted on (embedded: on one chDB connection inserts run one at a time). */
  CASHTRACE_INSERT_CONNECTIONS: z.coerce.number().int().min(1).max(8).default(2),
  /**
   * Embedded: connections a store's queries may spread over (opened as queries overlap; one
   * chDB connection runs its statements one at a time, two run side by side).
   */
  CASHTRACE_QUERY_CONNECTIONS: z.coerce.number().int().min(1).max(8).default(2),
  /**
   * The dashboard says the stuck, SLA and KPI figures lag the events once the oldest deal
   * waiting for the clocks' refresh has waited this long (seconds; GET /api/freshness).
   */
  CASHTRACE_FRESHNESS_NOTICE_S: z.coerce.number().min(0).default(30),
  /** Backpressure: producers wait while this many bytes are queued for ClickHouse. */
  CASHTRACE_QUEUE_MAX_BYTES: z.coerce.number().int().min(1024).default(128 * 1024 * 1024),
  CASHTRACE_RETENTION_EVENTS_DAYS: z.coerce.number().int().min(1).default(5 * 365),
  CASHTRACE_RETENTION_PAYLOAD_DAYS: z.coerce.number().int().min(1).default(180),
  CASHTRACE_RETENTION_DEAD_LETTER_DAYS: z.coerce.number().int().min(1).default(90),
  /** A JSON file of business calendars: holidays added, calendars added, working weeks, legal entities (lib/sla/calendar-config.ts). */
  CASHTRACE_CALENDARS: z.string().optional(),
  /** KPI targets over the built-in ones: `dso=60,invoice_exception_rate=3%` (lib/kpis/definitions.ts kpiTargets). */
  CASHTRACE_KPI_TARGETS: z.string().optional(),
  /** The currency every total is converted to (ISO 4217). */
  CASHTRACE_REPORTING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code in capitals, e.g. USD').default('EUR'),
  /** Exchange rates to the reporting currency beside (or over) the built-in ones: `AUD=0.61,INR=0.011`. */
  CASHTRACE_FX_RATES: z
    .string()
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^([A-Z]{3})=([0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?)$/.exec(part);
        const rate = m ? Number(m[2]) : NaN;
        if (!m || !Number.isFinite(rate) || rate <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not CODE=rate (an ISO-4217 code in capitals, units of the reporting currency per unit, above 0), e.g. AUD=0.61` });
          return z.NEVER;
        }
        out[m[1]] = rate;
      }
      return out;
    })
    .optional(),
  // Access control, actions and alerts (lib/auth, lib/actions, lib/alerts).
  /** HMAC key of session cookies; without it one is generated and kept beside the data. */
  CASHTRACE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CASHTRACE_SESSION_TTL_HOURS: z.coerce.number().min(0.05).max(24 * 30).default(12),
  /** Demo mode: seeds one user per role and shows their credentials on the sign-in page. Default: on while no non-demo user exists. */
  CASHTRACE_DEMO: bool.optional(),
  /** Creates (at start) an admin API token with exactly this value, for automation. */
  CASHTRACE_BOOTSTRAP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Login attempts allowed per username and per IP address in 15 minutes. */
  CASHTRACE_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  CASHTRACE_OIDC_ISSUER: z.url().optional(),
  CASHTRACE_OIDC_CLIENT_ID: z.string().optional(),
  CASHTRACE_OIDC_CLIENT_SECRET: z.string().optional(),
  /** ID-token claim holding the Cashtrace role (a string or an array containing one of the roles). */
  CASHTRACE_OIDC_ROLE_CLAIM: z.string().default('roles'),
  /** Public base URL (for the OIDC redirect URI); default: the request's origin. */
  CASHTRACE_PUBLIC_URL: z.url().optional(),
  /** Connectors answering action commands inside the app process ('simulated': the demo's systems). */
  CASHTRACE_CONNECTORS: z.enum(['simulated', 'off']).default('simulated'),
  /** An action not verified within this many seconds is marked timed_out. */
  CASHTRACE_ACTION_TIMEOUT_S: z.coerce.number().int().min(5).default(300),
  CASHTRACE_VERIFIER_INTERVAL_MS: z.coerce.number().int().min(100).default(1500),
  CASHTRACE_ALERT_INTERVAL_S: z.coerce.number().min(1).default(60),
  /** Collector signing secrets (comma-separated: several active at once while a secret rotates). */
  CASHTRACE_STRIPE_SECRET: z.string().optional(),
  CASHTRACE_HUBSPOT_SECRET: z.string().optional(),
  CASHTRACE_DOCUSIGN_SECRET: z.string().optional(),
  CASHTRACE_QUICKBOOKS_SECRET: z.string().optional(),
  CASHTRACE_XERO_SECRET: z.string().optional(),
  CASHTRACE_NETSUITE_SECRET: z.string().optional(),
  /** Key encrypting admin-managed signing secrets at rest (AES-256-GCM); without it one is generated and kept beside the data. */
  CASHTRACE_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Span attributes that tie an OTLP span to a deal and to a flow (source ▶ target system). */
  CASHTRACE_OTLP_CORRELATION_ATTRIBUTE: z.string().min(1).default('q2c.correlation_id'),
  CASHTRACE_OTLP_FLOW_SOURCE_ATTRIBUTE: z.string().min(1).default('q2c.flow_source'),
  CASHTRACE_OTLP_FLOW_TARGET_ATTRIBUTE: z.string().min(1).default('q2c.flow_target'),
  /** Port of the standalone collector process (`npm run collectors`); 4318 is OTLP/HTTP's own. */
  CASHTRACE_COLLECTORS_PORT: z.coerce.number().int().min(1).max(65535).default(4318),
  CASHTRACE_COLLECTORS_HOST: z.string().min(1).default('0.0.0.0'),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | null = null;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Cashtrace configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

/** Tests change the environment between cases. */
export function resetEnvForTests(): void {
  cached = null;
}
