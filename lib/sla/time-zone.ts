// A calendar's days are its own time zone's (an IANA name; UTC unless configured): the
// offset from UTC at an instant, as JS computes it for B(now) and due dates and ClickHouse
// for B(t) per row (timeZoneOffset). Both read the IANA time zone database.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(tz, f);
  }
  return f;
}

/** Is `tz` a time zone this runtime knows (an IANA name such as America/New_York)? */
export function isTimeZone(tz: string): boolean {
  try {
    formatOf(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical name (america/new_york → America/New_York; Etc/UTC → UTC), as ClickHouse spells it. */
export function canonicalTimeZone(tz: string): string {
  const name = formatOf(tz).resolvedOptions().timeZone;
  return ['Etc/UTC', 'Etc/GMT', 'GMT', 'UTC', 'Etc/Universal', 'Etc/Zulu'].includes(name) ? 'UTC' : name;
}

/** Seconds to add to UTC for local time in `tz` at the instant `epochSeconds` (New York in winter: −18,000). */
export function utcOffsetSeconds(tz: string, epochSeconds: number): number {
  if (tz === 'UTC') return 0;
  const p: Record<string, number> = {};
  for (const part of formatOf(tz).formatToParts(new Date(epochSeconds * 1000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - epochSeconds;
}

/** The instant (epoch seconds) whose local time in `tz` is `localSeconds` (in a gap of a change to summer time: just after it). */
export function localToUtcSeconds(tz: string, localSeconds: number): number {
  if (tz === 'UTC') return localSeconds;
  const first = localSeconds - utcOffsetSeconds(tz, localSeconds);
  const second = localSeconds - utcOffsetSeconds(tz, first);
  if (second + utcOffsetSeconds(tz, second) === localSeconds) return second;
  // no instant has this local time (the clocks went forward over it): the later reading
  return Math.max(first, second);
}
