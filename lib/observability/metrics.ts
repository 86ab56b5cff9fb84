// Cashtrace's own health, in-process: counters and histograms rendered in the
// Prometheus text format by GET /api/metrics. One registry per process.

type Labels = Record<string, string>;

class Counter {
  private values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(by = 1, labels: Labels = {}): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

class Gauge {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read?: () => number,
  ) {}
  set(v: number): void {
    this.value = v;
  }
  get(): number {
    return this.read ? this.read() : this.value;
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.get()}`].join('\n');
  }
}

class Histogram {
  private counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count += 1;
    this.buckets.forEach((b, i) => {
      if (v <= b) this.counts[i] += 1;
    });
  }
  snapshot(): { count: number; sum: number } {
    return { count: this.count, sum: this.sum };
  }
  /** Cumulative count per upper bound (le), for an in-process quantile bound. */
  bucketCounts(): { le: number; count: number }[] {
    return this.buckets.map((le, i) => ({ le, count: this.counts[i] }));
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

function labelKey(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}

const g = globalThis as unknown as { __cashtraceMetrics?: ReturnType<typeof createRegistry> };

function createRegistry() {
  const gauges: Gauge[] = [];
  const m = {
    eventsReceived: new Counter('cashtrace_events_received_total', 'Events received by collectors, before validation.'),
    eventsAccepted: new Counter('cashtrace_events_accepted_total', 'Events accepted and made durable.'),
    eventsRejected: new Counter('cashtrace_events_rejected_total', 'Events rejected (sent to dead letters).'),
    eventsDuplicate: new Counter('cashtrace_events_duplicate_total', 'Events dropped as duplicates of an earlier event_id.'),
    eventsInserted: new Counter('cashtrace_events_inserted_total', 'Rows inserted into ClickHouse by the ingest writer.'),
    busMessages: new Counter('cashtrace_ingest_bus_messages_total', 'Ingest messages consumed from NATS, by how their events were read (local: handed over by this process, which published them; decoded).'),
    leaseLosses: new Counter('cashtrace_writer_lease_lost_total', "Times this process's ingest writer lost its lease and stopped writing (it waits as a standby and writes again once it takes it back)."),
    fenceRefusals: new Counter('cashtrace_writer_fence_refusals_total', 'Statements the ingest writer did not send to the ClickHouse server because its lease was unconfirmed (lib/clickhouse/write-fence: what was not written is delivered again).'),
    idLookups: new Counter('cashtrace_ingest_id_lookups_total', 'Event IDs looked up among the committed ones, by who asked (precheck: the ingest route with NATS; write: the writer, except for events the route\'s pre-check handed over).'),
    idsFiltered: new Counter('cashtrace_ingest_ids_filtered_total', 'Event IDs not looked up: the dedup filter (embedded: this process is the only writer) has never seen them, so they are new. By who asked, as cashtrace_ingest_id_lookups_total.'),
    ingestReserialised: new Counter('cashtrace_ingest_reserialised_batches_total', 'Ingest batches inserted again re-serialised because a line held a key twice.'),
    stitchMoves: new Counter('cashtrace_stitch_moves_total', 'Stored rows moved to their deal after a late link (orphan adoption or merge).'),
    batchSize: new Histogram('cashtrace_ingest_batch_rows', 'Rows per ClickHouse insert.', [10, 100, 1000, 5000, 10000, 20000, 50000]),
    insertSeconds: new Histogram('cashtrace_ingest_insert_seconds', 'Duration of one batch write (dedup, stitch, insert).', [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]),
    clockRefreshSeconds: new Histogram('cashtrace_clock_refresh_seconds', 'Duration of one round recomputing the clocks of the deals the writer touched.', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]),
    clockBuildSeconds: new Histogram('cashtrace_clock_build_seconds', 'Duration of one full build of a clock over every deal.', [0.1, 0.5, 1, 2.5, 5, 10, 30, 60]),
    gauges,
    gauge(name: string, help: string, read: () => number): void {
      if (!gauges.some((x) => x.name === name)) gauges.push(new Gauge(name, help, read));
    },
    render(): string {
      const parts = [m.eventsReceived, m.eventsAccepted, m.eventsRejected, m.eventsDuplicate, m.eventsInserted, m.busMessages, m.leaseLosses, m.fenceRefusals, m.idLookups, m.idsFiltered, m.ingestReserialised, m.stitchMoves, m.batchSize, m.insertSeconds, m.clockRefreshSeconds, m.clockBuildSeconds, ...gauges];
      return parts.map((p) => p.render()).join('\n') + '\n';
    },
  };
  return m;
}

export function metrics(): ReturnType<typeof createRegistry> {
  if (!g.__cashtraceMetrics) g.__cashtraceMetrics = createRegistry();
  return g.__cashtraceMetrics;
}
