/**
 * How coreutils prints file facts: mode strings (`drwxr-xr-x`), human sizes (`4.0K`, `1.5G`), `ls -l` dates
 * (`Nov 26 08:30` / `Nov 26  2025`). Containers run in UTC, so all times are UTC.
 */
import type { Stats } from 'node:fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
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
  return (
    typeLetter(st) +
    triplet(6, (m & 0o4000) !== 0, 's') +
    triplet(3, (m & 0o2000) !== 0, 's') +
    triplet(0, (m & 0o1000) !== 0, 't')
  );
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

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
