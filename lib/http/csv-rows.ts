// Counts the rows of a CSV (RFC 4180) as it streams in, chunk by chunk: a line break inside a
// quoted cell (a dead letter's raw payload, a note) is part of its cell, not a row's end. A
// quote inside a quoted cell is written twice, which leaves the count's state as it was.

const QUOTE = 34;
const LF = 10;

/** A counter of the line ends that end rows in the chunks given to it, in order; returns the running total. */
export function csvRowCounter(): (chunk: Uint8Array) => number {
  let inQuotes = false;
  let ends = 0;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) ends++;
    }
    return ends;
  };
}
