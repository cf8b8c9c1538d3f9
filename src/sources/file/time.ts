/**
 * Timestamps from bytes: `YYYY-MM-DD HH:MM:SS[.f]`, `YYYY/MM/DD …`, ISO 8601 with `T` and an
 * optional zone (`Z`, `±hh:mm`, `±hhmm`), and epoch numbers. Zone-less times are read in the
 * reader's time zone (UTC by default, an IANA zone or a fixed `±hh:mm` offset otherwise).
 */
import { parseDecimal } from './numbers.js';

/** Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Converts local wall-clock epoch seconds (the time read as if it were UTC) to true UTC. */
export interface TimeZoneResolver {
  readonly name: string;
  toUtc(localSeconds: number): number;
}

const UTC: TimeZoneResolver = { name: 'UTC', toUtc: (s) => s };

/**
 * A resolver for `UTC`, a fixed offset `±hh:mm` / `±hhmm`, or an IANA zone name. Throws a
 * RangeError saying what to write when the zone is unknown.
 */
export function timeZoneResolver(zone: string | undefined): TimeZoneResolver {
  if (zone === undefined || zone === '' || /^(utc|gmt|z)$/i.test(zone)) return UTC;
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (fixed) {
    if (Number(fixed[2]) > 23 || Number(fixed[3]) > 59) throw new RangeError(`time zone offset '${zone}' is out of range: hours 00–23, minutes 00–59`);
    const off = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3600 + Number(fixed[3]) * 60);
    return { name: zone, toUtc: (s) => s - off };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`unknown time zone '${zone}': use UTC, an IANA name such as Europe/Prague, or an offset such as +01:00`);
  }
  // Offset (local − UTC) at a UTC instant, in seconds.
  const offsetAt = (utc: number): number => {
    const parts = fmt.formatToParts(new Date(utc * 1000));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? NaN);
    const local = daysFromCivil(get('year'), get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60 + get('second');
    return local - Math.floor(utc);
  };
  // Zone rules change on whole quarter hours at most, so one lookup per local quarter hour suffices.
  const cache = new Map<number, number>();
  return {
    name: zone,
    toUtc(local: number): number {
      const key = Math.floor(local / 900);
      let off = cache.get(key);
      if (off === undefined) {
        // Two rounds find the offset in force at the resulting instant; in a DST gap or overlap
        // this picks the offset before the change, as most tools do.
        const base = key * 900;
        off = offsetAt(base - offsetAt(base));
        off = offsetAt(base - off);
        if (cache.size > 100_000) cache.clear();
        cache.set(key, off);
      }
      return local - off;
    },
  };
}

function digits2(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/**
 * A calendar timestamp in `buf[s, e)` → epoch seconds, or NaN. Accepts date separators `-` or `/`,
 * `T` or spaces between date and time, optional seconds, a fraction of up to 9 digits (`.` or
 * `,`), and an optional zone suffix (which overrides `zone`).
 */
export function parseDateTime(buf: Uint8Array, s: number, e: number, zone: TimeZoneResolver): number {
  if (e - s < 16) return NaN;
  const y0 = digits2(buf, s);
  const y1 = digits2(buf, s + 2);
  if (y0 < 0 || y1 < 0) return NaN;
  const sep = buf[s + 4];
  if ((sep !== 45 && sep !== 47) || buf[s + 7] !== sep) return NaN;
  const y = y0 * 100 + y1;
  const mo = digits2(buf, s + 5);
  const d = digits2(buf, s + 8);
  if (mo < 1 || mo > 12 || d < 1 || d > MONTH_DAYS[mo]! || (mo === 2 && d === 29 && !isLeap(y))) return NaN;
  let i = s + 10;
  const t = buf[i];
  if (t !== 84 && t !== 32 && t !== 116 && t !== 9) return NaN;
  i++;
  while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
  if (e - i < 5) return NaN;
  const h = digits2(buf, i);
  if (h < 0 || h > 23 || buf[i + 2] !== 58) return NaN;
  const mi = digits2(buf, i + 3);
  if (mi < 0 || mi > 59) return NaN;
  i += 5;
  let sec = 0;
  if (i < e && buf[i] === 58) {
    if (e - i < 3) return NaN;
    sec = digits2(buf, i + 1);
    if (sec < 0 || sec > 60) return NaN;
    i += 3;
  }
  let fracDigits = 0;
  let frac = 0;
  if (i < e && (buf[i] === 46 || buf[i] === 44)) {
    i++;
    for (; i < e; i++) {
      const dd = buf[i]! - 48;
      if (dd < 0 || dd > 9) break;
      if (fracDigits < 9) {
        frac = frac * 10 + dd;
        fracDigits++;
      }
    }
    if (fracDigits === 0) return NaN;
  }
  const local = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  let utc: number;
  if (i === e) utc = zone.toUtc(local);
  else {
    const z = buf[i];
    if ((z === 90 || z === 122) && i + 1 === e) utc = local;
    else if ((z === 43 || z === 45) && (e - i === 6 || e - i === 5 || e - i === 3)) {
      const oh = digits2(buf, i + 1);
      let om = 0;
      if (e - i === 6) {
        if (buf[i + 3] !== 58) return NaN;
        om = digits2(buf, i + 4);
      } else if (e - i === 5) om = digits2(buf, i + 3);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      utc = local - (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    } else return NaN;
  }
  if (fracDigits === 0) return utc;
  // Integer microseconds (< 2^53 for any realistic date) divided once: the double nearest the
  // written decimal, so window boundaries fall where the text says.
  if (fracDigits <= 6) {
    const scale = fracDigits === 6 ? 1e6 : Math.pow(10, fracDigits);
    return (utc * scale + frac) / scale;
  }
  return utc + frac / Math.pow(10, fracDigits);
}

/**
 * An epoch number: seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude
 * (seconds below 1e11 ≈ year 5138; ms below 1e14; µs below 1e17). Exponent notation is refused.
 */
export function parseEpoch(buf: Uint8Array, s: number, e: number): number {
  // An exact epoch never needs an exponent; one written so (Excel: 1.48553E+12) has lost digits
  // and would silently move the flow by hours, so it is refused.
  for (let i = s; i < e; i++) if ((buf[i]! | 0x20) === 101) return NaN;
  const v = parseDecimal(buf, s, e);
  if (!Number.isFinite(v) || v < 0) return NaN;
  if (v < 1e11) return v;
  if (v < 1e14) return v / 1e3;
  if (v < 1e17) return v / 1e6;
  return v / 1e9;
}

/** A calendar timestamp or, failing that, an epoch number. */
export function parseAnyTime(buf: Uint8Array, s: number, e: number, zone: TimeZoneResolver): number {
  if (e - s >= 16 && buf[s + 4] !== undefined && (buf[s + 4] === 45 || buf[s + 4] === 47)) return parseDateTime(buf, s, e, zone);
  return parseEpoch(buf, s, e);
}
