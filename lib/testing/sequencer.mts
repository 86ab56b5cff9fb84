// Vitest's order of test files. Without a cache of earlier runs (a fresh clone, as in CI)
// vitest runs the largest files first; the server-mode twins (`*.server.test.ts`, a few lines
// importing their plain file) are the smallest, so they all ran last, although each starts a
// ClickHouse server and they are among the longest (up to 70 s): the run ended with one or
// two of the three workers busy. Here they are dealt out among the first files instead, one
// in every two, so the long files start early and no more of them start a ClickHouse server
// at once than before. With a cache (a local re-run), vitest's own order (failed, then
// longest first) is kept.

import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const isTwin = (f: TestSpecification) => f.moduleId.endsWith('.server.test.ts');

/** The twins dealt out first, one in every two, the rest in their order. */
export function twinsFirst<T>(files: readonly T[], twin: (f: T) => boolean): T[] {
  const twins = files.filter(twin);
  const rest = files.filter((f) => !twin(f));
  const out: T[] = [];
  while (twins.length > 0 || rest.length > 0) {
    if (twins.length > 0) out.push(twins.shift()!);
    if (rest.length > 0) out.push(rest.shift()!);
  }
  return out;
}

export default class TwinsFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cached = files.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`));
    return cached ? sorted : twinsFirst(sorted, isTwin);
  }
}
