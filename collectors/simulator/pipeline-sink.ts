// A sink straight into an in-process runtime (lib/ingest/pipeline.ts): the same
// validation, dedup and stitching as the HTTP endpoint, without HTTP. For tests and
// for seeding a store from a script.

import type { Runtime } from '../../lib/runtime';
import { ingestEvents } from '../../lib/ingest/pipeline';
import type { Sink } from './sink';

export function pipelineSink(rt: Runtime, collector = 'simulator'): Sink {
  return {
    name: 'pipeline',
    async send(events, malformed = []) {
      const r = await ingestEvents(rt, malformed.length ? [...events, ...malformed] : events, { collector });
      return { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected.length };
    },
  };
}
