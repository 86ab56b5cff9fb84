// Chinese New Year's first day, computed as the Chinese calendar defines it (GB/T 33661-2017):
// months begin on the day (Beijing time, UTC+8) of a new moon; the month holding the winter
// solstice is the 11th; when 13 months run from one 11th month to the next, the first of them
// holding no principal solar term (the sun's longitude a multiple of 30°) is a leap month; the
// year begins with the 1st month, two months after the 11th, or three when the 11th or 12th
// has a leap month after it (2033: New Year 2034 on 19 February).
//
// New moons: Meeus, Astronomical Algorithms, ch. 49 (with the planetary terms; seconds off).
// The sun's apparent longitude: ch. 25's lower-accuracy series (about 0.01°, some 15 minutes
// in time), which decides a term's day only when one falls within minutes of midnight.
// Checked against the listed dates 2000–2050 (lib/sla/chinese-new-year.test.ts) and, on
// 2026-12-06, against Node's ICU Chinese calendar for 2051–2100 (every year the same); ICU
// is off in 2027 and 2030, so it is not used.

const RAD = Math.PI / 180;
const sin = (deg: number) => Math.sin(deg * RAD);
const J2000 = 2451545.0;
/** Julian Day of 1970-01-01T00:00Z. */
const UNIX_EPOCH_JD = 2440587.5;

/** ΔT = TT − UT in seconds (Espenak and Meeus's polynomials, 2005–2150). */
function deltaT(year: number): number {
  if (year < 2005) return 63.8; // ~2000–2005
  if (year < 2050) {
    const t = year - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  const u = (year - 1820) / 100;
  return -20 + 32 * u * u - 0.5628 * (2150 - year);
}

/** The Julian Ephemeris Day of new moon number k (k = 0: 6 January 2000). */
function newMoonJde(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const T4 = T3 * T;
  const jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * T2 - 0.00000015 * T3 + 0.00000000073 * T4;
  const E = 1 - 0.002516 * T - 0.0000074 * T2;
  const M = 2.5534 + 29.1053567 * k - 0.0000014 * T2 - 0.00000011 * T3;
  const Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 - 0.000000058 * T4;
  const F = 160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 + 0.000000011 * T4;
  const Om = 124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3;
  const periodic =
    -0.4072 * sin(Mp) + 0.17241 * E * sin(M) + 0.01608 * sin(2 * Mp) + 0.01039 * sin(2 * F) + 0.00739 * E * sin(Mp - M) - 0.00514 * E * sin(Mp + M)
    + 0.00208 * E * E * sin(2 * M) - 0.00111 * sin(Mp - 2 * F) - 0.00057 * sin(Mp + 2 * F) + 0.00056 * E * sin(2 * Mp + M) - 0.00042 * sin(3 * Mp)
    + 0.00042 * E * sin(M + 2 * F) + 0.00038 * E * sin(M - 2 * F) - 0.00024 * E * sin(2 * Mp - M) - 0.00017 * sin(Om) - 0.00007 * sin(Mp + 2 * M)
    + 0.00004 * sin(2 * Mp - 2 * F) + 0.00004 * sin(3 * M) + 0.00003 * sin(Mp + M - 2 * F) + 0.00003 * sin(2 * Mp + 2 * F) - 0.00003 * sin(Mp + M + 2 * F)
    + 0.00003 * sin(Mp - M + 2 * F) - 0.00002 * sin(Mp - M - 2 * F) - 0.00002 * sin(3 * Mp + M) + 0.00002 * sin(4 * Mp);
  const A = [
    [299.77 + 0.107408 * k - 0.009173 * T2, 0.000325], [251.88 + 0.016321 * k, 0.000165], [251.83 + 26.651886 * k, 0.000164],
    [349.42 + 36.412478 * k, 0.000126], [84.66 + 18.206239 * k, 0.00011], [141.74 + 53.303771 * k, 0.000062], [207.14 + 2.453732 * k, 0.00006],
    [154.84 + 7.30686 * k, 0.000056], [34.52 + 27.261239 * k, 0.000047], [207.19 + 0.121824 * k, 0.000042], [291.34 + 1.844379 * k, 0.00004],
    [161.72 + 24.198154 * k, 0.000037], [239.56 + 25.513099 * k, 0.000035], [331.55 + 3.592518 * k, 0.000023],
  ];
  return jde + periodic + A.reduce((s, [arg, c]) => s + c * sin(arg), 0);
}

/** The sun's apparent geocentric longitude in degrees [0, 360) at a Julian Ephemeris Day. */
function sunLongitude(jde: number): number {
  const T = (jde - J2000) / 36525;
  const L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T * T;
  const M = 357.52911 + 35999.05029 * T - 0.0001537 * T * T;
  const C = (1.914602 - 0.004817 * T - 0.000014 * T * T) * sin(M) + (0.019993 - 0.000101 * T) * sin(2 * M) + 0.000289 * sin(3 * M);
  const omega = 125.04 - 1934.136 * T;
  const lambda = L0 + C - 0.00569 - 0.00478 * sin(omega);
  return ((lambda % 360) + 360) % 360;
}

/** The JDE at which the sun's longitude is `deg`, starting from a guess within a few weeks. */
function solarTermJde(deg: number, guess: number): number {
  let jde = guess;
  for (let i = 0; i < 8; i++) {
    const diff = ((((deg - sunLongitude(jde)) % 360) + 540) % 360) - 180;
    jde += (diff * 365.2422) / 360;
  }
  return jde;
}

/** The Beijing-time (UTC+8) day of an instant (JDE), as days since 1970-01-01. */
function beijingDay(jde: number): number {
  const jdUt = jde - deltaT(2000 + (jde - J2000) / 365.2425) / 86400;
  return Math.floor(jdUt + 8 / 24 - UNIX_EPOCH_JD);
}

/** The day of the winter solstice (270°) of a Gregorian year, in Beijing. */
function solsticeDay(year: number): { day: number; jde: number } {
  const guess = UNIX_EPOCH_JD + Date.UTC(year, 11, 21) / 86_400_000;
  const jde = solarTermJde(270, guess);
  return { day: beijingDay(jde), jde };
}

/** The new moon number whose Beijing day is the last one on or before `day`. */
function newMoonOnOrBefore(day: number): number {
  let k = Math.floor((day + UNIX_EPOCH_JD - 2451550.09766) / 29.530588861) + 1;
  while (beijingDay(newMoonJde(k)) > day) k--;
  while (beijingDay(newMoonJde(k + 1)) <= day) k++;
  return k;
}

/** The first day of the Chinese year that begins in Gregorian year `year`, as 'MM-DD'. */
export function chineseNewYear(year: number): string {
  const s1 = solsticeDay(year - 1);
  const s2 = solsticeDay(year);
  const k1 = newMoonOnOrBefore(s1.day);
  const k2 = newMoonOnOrBefore(s2.day);
  const starts: number[] = [];
  for (let k = k1; k <= k2; k++) starts.push(beijingDay(newMoonJde(k)));
  let first = 2; // the 11th month, then the 12th, then the 1st
  if (k2 - k1 === 13) {
    // the principal terms from the solstice on (270°, 300°, 330°, 0°, …), as days
    const terms: number[] = [];
    for (let i = 0; i <= 12; i++) terms.push(beijingDay(solarTermJde((270 + 30 * i) % 360, s1.jde + i * 30.4)));
    const hasTerm = (m: number) => terms.some((d) => d >= starts[m] && d < starts[m + 1]);
    const leap = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].find((m) => !hasTerm(m));
    if (leap !== undefined && leap <= 2) first = 3;
  }
  return new Date(starts[first] * 86_400_000).toISOString().slice(5, 10);
}
