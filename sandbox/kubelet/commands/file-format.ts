/**
 * How coreutils prints file facts: mode strings (`drwxr-xr-x`), human sizes (`4.0K`, `1.5G`), `ls -l` dates
 * (`Nov 26 08:30` / `Nov 26  2025`) and `stat` timestamps. Containers run in UTC, so all times are UTC.
 */
import type { Stats } from 'node:fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SIX_MONTHS_MS = (365.2425 / 2) * 24 * 3600 * 1000;

/** The file type letter `ls -l` starts a line with. */
export function typeLetter(st: Stats): string {
  if (st.isDirectory()) return 'd';
  if (st.isSymbolicLink()) return 'l';
  if (st.isFIFO()) return 'p';
  if (st.isSocket()) return 's';
  if (st.isCharacterDevice()) return 'c';
  if (st.isBlockDevice()) return 'b';
  return '-';
}

/** `-rw-r--r--`, `drwxrwxrwt`, `-rwsr-xr-x`: type letter plus permission triplets with special bits. */
export function modeString(st: Stats): string {
  const m = st.mode;
  const triplet = (shift: number, special: boolean, specialChar: string) => {
    const r = m & (4 << shift) ? 'r' : '-';
    const w = m & (2 << shift) ? 'w' : '-';
    const xBit = (m & (1 << shift)) !== 0;
    const x = special ? (xBit ? specialChar : specialChar.toUpperCase()) : xBit ? 'x' : '-';
    return r + w + x;
  };
  return typeLetter(st) + triplet(6, (m & 0o4000) !== 0, 's') + triplet(3, (m & 0o2000) !== 0, 's') + triplet(0, (m & 0o1000) !== 0, 't');
}

/** GNU's human-readable size (powers of 1024, rounded up, one decimal below 10): `512`, `4.0K`, `13M`. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  let unit = 0;
  let divisor = 1024;
  while (unit < units.length - 1 && bytes >= divisor * 1024) {
    divisor *= 1024;
    unit++;
  }
  const tenths = Math.floor((bytes * 10 + divisor - 1) / divisor);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}${units[unit]}`;
  const whole = Math.floor((bytes + divisor - 1) / divisor);
  if (whole >= 1024 && unit < units.length - 1) return `1.0${units[unit + 1]}`;
  return `${whole}${units[unit]}`;
}

/** The date column of `ls -l`: time of day for the last six months, the year otherwise (and for the future). */
export function lsDate(mtime: Date, now: Date = new Date()): string {
  const age = now.getTime() - mtime.getTime();
  const day = String(mtime.getUTCDate()).padStart(2, ' ');
  const head = `${MONTHS[mtime.getUTCMonth()]} ${day}`;
  if (age >= 0 && age < SIX_MONTHS_MS) return `${head} ${pad2(mtime.getUTCHours())}:${pad2(mtime.getUTCMinutes())}`;
  return `${head}  ${mtime.getUTCFullYear()}`;
}

/** `stat`'s timestamp: `2026-11-26 08:30:00.123456789 +0000`. */
export function statTime(time: Date, nanos?: bigint): string {
  const fraction = nanos !== undefined ? String(nanos % 1_000_000_000n).padStart(9, '0') : `${String(time.getUTCMilliseconds()).padStart(3, '0')}000000`;
  return `${isoDate(time)} ${pad2(time.getUTCHours())}:${pad2(time.getUTCMinutes())}:${pad2(time.getUTCSeconds())}.${fraction} +0000`;
}

/** `date`'s default output in the C locale: `Thu Nov 26 08:30:00 UTC 2026`. */
export function cDate(time: Date): string {
  return `${DAYS[time.getUTCDay()]} ${MONTHS[time.getUTCMonth()]} ${String(time.getUTCDate()).padStart(2, ' ')} ${pad2(time.getUTCHours())}:${pad2(time.getUTCMinutes())}:${pad2(time.getUTCSeconds())} UTC ${time.getUTCFullYear()}`;
}

/** strftime as `date +FORMAT` understands it (the common conversions), in UTC. */
export function strftime(format: string, time: Date): string {
  const conversions: Record<string, () => string> = {
    Y: () => String(time.getUTCFullYear()),
    y: () => pad2(time.getUTCFullYear() % 100),
    m: () => pad2(time.getUTCMonth() + 1),
    d: () => pad2(time.getUTCDate()),
    e: () => String(time.getUTCDate()).padStart(2, ' '),
    H: () => pad2(time.getUTCHours()),
    I: () => pad2(((time.getUTCHours() + 11) % 12) + 1),
    M: () => pad2(time.getUTCMinutes()),
    S: () => pad2(time.getUTCSeconds()),
    N: () => `${String(time.getUTCMilliseconds()).padStart(3, '0')}000000`,
    p: () => (time.getUTCHours() < 12 ? 'AM' : 'PM'),
    s: () => String(Math.floor(time.getTime() / 1000)),
    a: () => DAYS[time.getUTCDay()],
    A: () => ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][time.getUTCDay()],
    b: () => MONTHS[time.getUTCMonth()],
    h: () => MONTHS[time.getUTCMonth()],
    B: () => ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][time.getUTCMonth()],
    j: () => String(Math.floor((time.getTime() - Date.UTC(time.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
    u: () => String(time.getUTCDay() || 7),
    w: () => String(time.getUTCDay()),
    z: () => '+0000',
    Z: () => 'UTC',
    F: () => isoDate(time),
    T: () => `${pad2(time.getUTCHours())}:${pad2(time.getUTCMinutes())}:${pad2(time.getUTCSeconds())}`,
    D: () => `${pad2(time.getUTCMonth() + 1)}/${pad2(time.getUTCDate())}/${pad2(time.getUTCFullYear() % 100)}`,
    R: () => `${pad2(time.getUTCHours())}:${pad2(time.getUTCMinutes())}`,
    c: () => cDate(time).replace(' UTC', ''),
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, letter: string) => conversions[letter]?.() ?? all);
}

function isoDate(time: Date): string {
  return `${time.getUTCFullYear()}-${pad2(time.getUTCMonth() + 1)}-${pad2(time.getUTCDate())}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
