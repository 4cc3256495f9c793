import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  announcedTags,
  findTagLine,
  logClockOffset,
  logPatternRegExp,
  modelDownloadWindow,
  parseTimestampedLog,
} from './pod-log.ts';

const LOG = [
  '2025-11-26T08:30:00.000000001Z 🚀 Starting Foundry Local (container mode)',
  '2025-11-26T08:30:00.100000000Z 🏷️ Tag: v0.2.0',
  '2025-11-26T08:30:01.250000000Z ⬇️ Downloading models.tar.gz (4000000 bytes, sha256:abc)',
  '2025-11-26T08:30:02.000000000Z ⬇️ Downloading models... 50% (2000000/4000000 bytes, 2.0 MB of 4.0 MB)',
  '2025-11-26T08:30:03.250000000Z ✅ Downloaded 4000000 bytes in 2s (2.00 MB/s), digest sha256:abc verified',
  '2025-11-26T08:30:03.300000000Z ✅ Foundry Local is ready on port 5000',
  '',
].join('\n');

describe('parseTimestampedLog', () => {
  it('reads RFC3339Nano prefixes to epoch ms and keeps the text', () => {
    const lines = parseTimestampedLog(LOG);
    assert.equal(lines.length, 6);
    assert.equal(lines[1]!.at, Date.parse('2025-11-26T08:30:00.100Z'));
    assert.equal(lines[1]!.text, '🏷️ Tag: v0.2.0');
  });

  it('keeps lines without a timestamp, with at undefined, and honours offsets', () => {
    const lines = parseTimestampedLog('plain line\n2025-11-26T09:30:00+01:00 x');
    assert.deepEqual(lines[0], { text: 'plain line' });
    assert.equal(lines[1]!.at, Date.parse('2025-11-26T08:30:00Z'));
  });
});

describe('log pattern', () => {
  it('matches the literal parts exactly and captures the tag', () => {
    const re = logPatternRegExp('🏷️ Tag: {tag}');
    assert.equal(re.exec('x 🏷️ Tag: v0.1.0 y')?.[1], 'v0.1.0');
    assert.equal(re.exec('Tag: v0.1.0'), null, 'the emoji is part of the pattern');
    assert.equal(
      logPatternRegExp('image (tag={tag})').exec('image (tag=v1)')?.[1],
      'v1',
      'text after {tag} is matched literally',
    );
    assert.equal(logPatternRegExp('[tag] {tag}').exec('[tag] v1')?.[1], 'v1', 'regex characters are literal');
  });

  it('finds the exact tag only, and lists every announcement', () => {
    const lines = parseTimestampedLog(`${LOG}2025-11-26T08:31:00Z 🏷️ Tag: v0.2.0-rc1\n`);
    assert.equal(findTagLine(lines, '🏷️ Tag: {tag}', 'v0.2.0')?.at, Date.parse('2025-11-26T08:30:00.100Z'));
    assert.equal(findTagLine(lines, '🏷️ Tag: {tag}', 'v0.2'), undefined);
    assert.deepEqual(announcedTags(lines, '🏷️ Tag: {tag}'), ['v0.2.0', 'v0.2.0-rc1']);
  });
});

describe('modelDownloadWindow', () => {
  it('spans the first start line to the first finish line, with stated bytes and rate', () => {
    const w = modelDownloadWindow(parseTimestampedLog(LOG));
    assert.equal(w.startedAt, Date.parse('2025-11-26T08:30:01.250Z'));
    assert.equal(w.finishedAt, Date.parse('2025-11-26T08:30:03.250Z'));
    assert.equal(w.bytes, 4_000_000);
    assert.equal(w.bytesPerSecond, 2_000_000);
    assert.match(w.finishLine ?? '', /^✅ Downloaded/);
  });

  it('computes the rate from bytes and the window when the log states none', () => {
    const log = '2025-01-01T00:00:00Z Downloading model blob\n2025-01-01T00:00:04Z Downloaded 8000 bytes\n';
    const w = modelDownloadWindow(parseTimestampedLog(log));
    assert.equal(w.bytes, 8000);
    assert.equal(w.bytesPerSecond, 2000);
  });

  it('returns an open window when the download never finished, and nothing without a start', () => {
    const open = modelDownloadWindow(parseTimestampedLog('2025-01-01T00:00:00Z Downloading models.tar.gz\n'));
    assert.equal(open.startedAt, Date.parse('2025-01-01T00:00:00Z'));
    assert.equal(open.finishedAt, undefined);
    assert.deepEqual(modelDownloadWindow(parseTimestampedLog('2025-01-01T00:00:00Z ready\n')), {});
  });
});

describe('announced tags inside punctuation and the log clock', () => {
  it('reads the tag out of "(🏷️ Tag: v0.2.0)" without the parenthesis', () => {
    assert.deepEqual(
      announcedTags([{ text: '✅ Foundry Local is ready on port 5000 (🏷️ Tag: v0.2.0)' }], '🏷️ Tag: {tag}'),
      ['v0.2.0'],
    );
  });

  it('puts log times on the suite clock through the container start', () => {
    const lines = [{ text: 'no timestamp' }, { at: 100_500, text: 'start' }, { at: 101_000, text: 'later' }];
    assert.equal(logClockOffset(lines, 40_000), 60_500);
    assert.equal(logClockOffset(lines, undefined), undefined);
    assert.equal(logClockOffset([{ text: 'x' }], 1), undefined);
  });
});
