import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TagPolicyError, compileTagPolicy, expandTemplate, goRegExp, selectLatestTag } from './semver-policy.ts';

function failure(fn: () => unknown): TagPolicyError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TagPolicyError, `expected TagPolicyError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a TagPolicyError');
}

describe('selectLatestTag: semver', () => {
  it('picks the highest tag in range and returns the original text', () => {
    assert.equal(selectLatestTag(['v0.1.0', 'v0.2.0'], { policy: { semver: { range: '>=0.1.0' } } }), 'v0.2.0');
    assert.equal(
      selectLatestTag(['v0.1.0', 'v0.2.0', 'v1.0.0'], { policy: { semver: { range: '<1.0.0' } } }),
      'v0.2.0',
    );
    assert.equal(
      selectLatestTag(['1.9.0', '1.10.0', 'latest', 'sha-abc'], { policy: { semver: { range: '*' } } }),
      '1.10.0',
    );
  });

  it('ignores prereleases unless the range asks for them', () => {
    const tags = ['v0.2.0', 'v0.3.0-rc.1'];
    assert.equal(selectLatestTag(tags, { policy: { semver: { range: '>=0.1.0' } } }), 'v0.2.0');
    assert.equal(selectLatestTag(tags, { policy: { semver: { range: '>=0.1.0-0' } } }), 'v0.3.0-rc.1');
  });

  it('skips tags Flux cannot parse as three-part versions', () => {
    assert.equal(selectLatestTag(['v1', 'v2.0', 'v0.9.0'], { policy: { semver: { range: '>=0.0.0' } } }), 'v0.9.0');
  });

  it('fails like the controller when nothing matches or the range is bad', () => {
    const none = failure(() => selectLatestTag(['v0.1.0'], { policy: { semver: { range: '>=1.0.0' } } }));
    assert.equal(none.reason, 'NoMatch');
    assert.equal(none.message, 'unable to determine latest version from provided list');
    const bad = failure(() => compileTagPolicy({ policy: { semver: { range: 'newest' } } }));
    assert.equal(bad.reason, 'InvalidPolicy');
    assert.equal(bad.message, 'invalid policy: improper constraint: newest');
    assert.equal(failure(() => selectLatestTag([], { policy: { semver: { range: '*' } } })).reason, 'NoTags');
    assert.match(failure(() => selectLatestTag(['a'], { policy: {} })).message, /ImagePolicyChoice object is invalid/);
  });
});

describe('selectLatestTag: alphabetical and numerical', () => {
  it('orders alphabetically, asc picks the last', () => {
    const tags = ['RELEASE.2024-01-02', 'RELEASE.2024-03-01', 'RELEASE.2023-12-31'];
    assert.equal(selectLatestTag(tags, { policy: { alphabetical: {} } }), 'RELEASE.2024-03-01');
    assert.equal(selectLatestTag(tags, { policy: { alphabetical: { order: 'desc' } } }), 'RELEASE.2023-12-31');
    assert.equal(
      selectLatestTag(['a', 'B'], { policy: { alphabetical: { order: 'asc' } } }),
      'a',
      'byte order: lowercase after uppercase',
    );
  });

  it('orders numerically and fails on non-numbers', () => {
    assert.equal(selectLatestTag(['9', '10', '2'], { policy: { numerical: { order: 'asc' } } }), '10');
    assert.equal(selectLatestTag(['9', '10', '2'], { policy: { numerical: { order: 'desc' } } }), '2');
    assert.equal(selectLatestTag(['1.5', '1e1'], { policy: { numerical: {} } }), '1e1');
    assert.equal(
      failure(() => selectLatestTag(['1', 'x'], { policy: { numerical: {} } })).message,
      "failed to parse invalid numeric value 'x'",
    );
    assert.match(
      failure(() => compileTagPolicy({ policy: { numerical: { order: 'up' } } })).message,
      /invalid order argument provided: 'UP'/,
    );
  });
});

describe('selectLatestTag: filterTags', () => {
  it('filters by pattern and orders by the extracted value, returning the original tag', () => {
    const tags = ['main-7-abc', 'main-12-def', 'feature-99-xyz', 'v1.0.0'];
    const spec = {
      filterTags: { pattern: '^main-(?P<ts>[0-9]+)-', extract: '$ts' },
      policy: { numerical: { order: 'asc' } },
    };
    assert.equal(selectLatestTag(tags, spec), 'main-12-def');
    const semver = {
      filterTags: { pattern: '^foundry-(.*)$', extract: '$1' },
      policy: { semver: { range: '>=0.1.0' } },
    };
    assert.equal(selectLatestTag(['foundry-v0.1.0', 'foundry-v0.2.0', 'v9.0.0'], semver), 'foundry-v0.2.0');
  });

  it('keeps tags unchanged without extract and reports an empty filter result', () => {
    const spec = { filterTags: { pattern: 'rc' }, policy: { alphabetical: {} } };
    assert.equal(selectLatestTag(['v1-rc1', 'v1-rc2', 'v2'], spec), 'v1-rc2');
    const empty = failure(() => selectLatestTag(['v2'], spec));
    assert.equal(empty.message, 'version list argument cannot be empty');
  });

  it('reports an invalid pattern as an invalid policy', () => {
    const err = failure(() => compileTagPolicy({ filterTags: { pattern: '([a-z' }, policy: { alphabetical: {} } }));
    assert.equal(err.reason, 'InvalidPolicy');
    assert.match(err.message, /^invalid policy: failed to filter tags: invalid regular expression pattern '\(\[a-z'/);
  });
});

describe('Go regexp compatibility', () => {
  it('translates RE2-only syntax', () => {
    assert.ok(goRegExp('(?i)^MAIN').test('main-1'));
    assert.ok(goRegExp('^[[:digit:]]+$').test('123'));
    assert.ok(!goRegExp('^[[:digit:]]+$').test('12a'));
    assert.ok(goRegExp('\\Aabc\\z').test('abc'));
    assert.ok(!goRegExp('\\Aabc\\z').test('abc\n'));
    assert.throws(() => goRegExp('(?U)a+'), /no JavaScript equivalent/);
  });

  it('expands templates like Regexp.Expand', () => {
    const m = /(?<name>[a-z]+)-(\d+)/.exec('build-42')!;
    assert.equal(expandTemplate('$1', m), 'build');
    assert.equal(expandTemplate('${2}x', m), '42x');
    assert.equal(expandTemplate('$2x', m), '', '$2x names the group "2x"');
    assert.equal(expandTemplate('$name.$2', m), 'build.42');
    assert.equal(expandTemplate('$$1 and $ alone and $9', m), '$1 and $ alone and ');
    assert.equal(expandTemplate('${unclosed', m), '${unclosed');
  });
});
