import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareSemver, parseFluxVersion, parseSemver, parseSemverRange } from './semver-range.ts';

function satisfies(range: string, version: string): boolean {
  const v = parseSemver(version);
  assert.ok(v, `unparsable test version ${version}`);
  return parseSemverRange(range).test(v);
}

describe('parseSemver (Masterminds NewVersion)', () => {
  it('accepts v prefixes and coerces short versions', () => {
    assert.deepEqual(
      (({ major, minor, patch, prerelease, metadata, original }) => ({
        major,
        minor,
        patch,
        prerelease,
        metadata,
        original,
      }))(parseSemver('v1.2.3-rc.1+build.5')!),
      { major: 1n, minor: 2n, patch: 3n, prerelease: 'rc.1', metadata: 'build.5', original: 'v1.2.3-rc.1+build.5' },
    );
    assert.equal(parseSemver('1.2')!.patch, 0n);
    assert.equal(parseSemver('1')!.minor, 0n);
    assert.equal(parseSemver('2025.02.03')!.minor, 2n);
  });

  it('rejects what Masterminds rejects', () => {
    for (const bad of [
      '',
      'V1.2.3',
      'latest',
      '1.2.3.4',
      '1.2.3-01',
      '1.2.3-',
      '1.2.3+',
      'v',
      '1.2.3-rc..1',
      '18446744073709551616.0.0',
    ]) {
      assert.equal(parseSemver(bad), undefined, bad);
    }
  });

  it('requires three parts for Flux ImagePolicy tags', () => {
    assert.ok(parseFluxVersion('v0.2.0'));
    assert.ok(parseFluxVersion('2025.02.03-rc.1'));
    assert.equal(parseFluxVersion('v1'), undefined);
    assert.equal(parseFluxVersion('1.2'), undefined);
    assert.equal(parseFluxVersion('1.2.3.4'), undefined);
  });
});

describe('compareSemver', () => {
  it('orders by precedence with prerelease rules and ignores metadata', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.10.0',
      '10.0.0',
    ];
    for (let i = 1; i < ordered.length; i++) {
      assert.equal(
        compareSemver(parseSemver(ordered[i - 1]!)!, parseSemver(ordered[i]!)!),
        -1,
        `${ordered[i - 1]} < ${ordered[i]}`,
      );
    }
    assert.equal(compareSemver(parseSemver('1.0.0+a')!, parseSemver('v1.0.0+b')!), 0);
  });
});

describe('parseSemverRange (Masterminds constraints)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['>=0.1.0', 'v0.2.0', true],
    ['>=0.1.0', '0.0.9', false],
    ['>=1.0.0 <2.0.0', '1.9.9', true],
    ['>=1.0.0 <2.0.0', '2.0.0', false],
    ['>=1.0, <2', '1.5.0', true],
    ['>=1.0,<2', '2.1.0', false],
    ['<1.0 || >=3', '3.1.0', true],
    ['<1.0 || >=3', '2.0.0', false],
    ['1.2.x', '1.2.9', true],
    ['1.2.x', '1.3.0', false],
    ['1.x', '1.9.0', true],
    ['*', '5.0.0', true],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['~1', '2.0.0', false],
    ['^1.2.3', '1.9.0', true],
    ['^1.2.3', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['^0', '0.9.0', true],
    ['^0', '1.0.0', false],
    ['>1.1', '1.1.5', false],
    ['>1.1', '1.2.0', true],
    ['>1', '1.9.0', false],
    ['<=1.4', '1.4.9', true],
    ['<=1.4', '1.5.0', false],
    ['!=1.2.3', '1.2.3', false],
    ['!=1.2.3', '1.2.4', true],
    ['!=1.x', '1.5.0', false],
    ['1.0 - 1.4', '1.4.5', true],
    ['1.0 - 1.4', '1.5.0', false],
    ['1.0 - 1.4', '0.9.0', false],
    ['=v1.2.3', '1.2.3', true],
    ['1.2.3', 'v1.2.3', true],
    ['=>1.0', '1.0.0', true],
    ['=<1.0.0', '1.0.1', false],
    ['~>2.1', '2.1.7', true],
  ];
  for (const [range, version, expected] of cases) {
    it(`${JSON.stringify(range)} ${expected ? 'accepts' : 'rejects'} ${version}`, () => {
      assert.equal(satisfies(range, version), expected);
    });
  }

  it('allows prereleases only in AND groups that name one', () => {
    assert.equal(satisfies('>=1.0.0', '1.5.0-rc.1'), false);
    assert.equal(satisfies('>=1.0.0-0', '1.5.0-rc.1'), true);
    assert.equal(satisfies('>=1.0.0-0 <2.0.0', '1.5.0-rc.1'), true, 'a prerelease anywhere in the group opens it');
    // Unlike npm, Masterminds does not tie the prerelease to one major.minor.patch: 2.0.0-rc.1 < 2.0.0 holds.
    assert.equal(satisfies('>=1.0.0-0 <2.0.0', '2.0.0-rc.1'), true);
    assert.equal(satisfies('>=3.0.0-0 || >=1.0.0', '1.5.0-rc.1'), false, 'the other OR group stays closed');
    assert.equal(satisfies('~1.2.3-beta', '1.2.4-alpha'), true);
  });

  it('rejects malformed ranges with Masterminds wording', () => {
    for (const bad of ['', 'latest', '>=1.0 <', '>> 1', '1.0 -1.4-']) {
      assert.throws(() => parseSemverRange(bad), /improper constraint/, bad);
    }
  });
});
