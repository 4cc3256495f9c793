import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, createRedactor } from './redact.ts';

const TOKEN = 'ghp_S3cr3t+T0ken/With=Chars';
const PASSWORD = 'p@ss:w0rd!';

describe('createRedactor', () => {
  const redact = createRedactor([TOKEN, PASSWORD, '', 'ab', undefined]);

  it('masks the raw secret wherever it appears', () => {
    assert.equal(redact(`token=${TOKEN} and again ${TOKEN}.`), `token=${MASK} and again ${MASK}.`);
    assert.equal(redact(`pw ${PASSWORD}`), `pw ${MASK}`);
  });

  it('masks base64, base64url, URL-encoded and JSON-escaped forms', () => {
    const b64 = Buffer.from(TOKEN).toString('base64');
    const b64url = Buffer.from(TOKEN).toString('base64url');
    assert.equal(redact(`data: ${b64}`), `data: ${MASK}`);
    assert.equal(redact(`x=${b64url}`), `x=${MASK}`);
    assert.equal(redact(`q=${encodeURIComponent(PASSWORD)}`), `q=${MASK}`);
    const withQuote = createRedactor(['say "hi" now']);
    assert.equal(withQuote(JSON.stringify({ v: 'say "hi" now' })), `{"v":"${MASK}"}`);
  });

  it('masks a secret inside longer base64 (user:secret, dockerconfig auth) at any alignment', () => {
    for (const user of ['u', 'us', 'usr', 'sandbox']) {
      const blob = Buffer.from(`${user}:${PASSWORD}`).toString('base64');
      const out = redact(`"auth":"${blob}"`);
      assert.ok(!out.includes(blob), `${user}: ${out}`);
      assert.ok(out.includes(MASK), `${user}: ${out}`);
    }
  });

  it('masks Authorization headers and URL credentials even for unknown values', () => {
    const plain = createRedactor([]);
    assert.equal(plain('Authorization: Bearer abc.def.ghi'), `Authorization: Bearer ${MASK}`);
    assert.equal(plain('authorization: basic dXNlcjpwYXNz\nnext'), `authorization: basic ${MASK}\nnext`);
    assert.equal(plain('{"Authorization":"token ghp_x"}'), `{"Authorization":"token ${MASK}"}`);
    assert.equal(
      plain('git -c http.extraHeader=Authorization: Basic Zm9vOmJhcg== push'),
      `git -c http.extraHeader=Authorization: Basic ${MASK} push`,
    );
    assert.equal(
      plain('clone https://x-access-token:abc123@github.com/org/repo.git'),
      `clone https://${MASK}@github.com/org/repo.git`,
    );
    assert.equal(plain('see https://github.com/org/repo and a@b.c'), 'see https://github.com/org/repo and a@b.c');
  });

  it('ignores empty and short secrets so ordinary text survives', () => {
    const r = createRedactor(['', 'ab', 'abc']);
    assert.equal(r('abc abcd ab'), 'abc abcd ab');
  });

  it('masks the longer of overlapping secrets whole', () => {
    const r = createRedactor(['abcd', 'abcdefgh']);
    assert.equal(r('xabcdefghx abcd'), `x${MASK}x ${MASK}`);
  });

  it('treats regex metacharacters in secrets literally', () => {
    const r = createRedactor(['a.b*c(d)']);
    assert.equal(r('a.b*c(d) axbbc(d)'), `${MASK} axbbc(d)`);
  });
});

describe('Redactor.deep', () => {
  const redact = createRedactor([TOKEN]);

  it('redacts nested strings without touching the input', () => {
    const input = { env: [{ name: 'T', value: `Bearer-less ${TOKEN}` }], n: 3, ok: true, nothing: null };
    const out = redact.deep(input);
    assert.deepEqual(out, { env: [{ name: 'T', value: `Bearer-less ${MASK}` }], n: 3, ok: true, nothing: null });
    assert.equal(input.env[0]!.value, `Bearer-less ${TOKEN}`);
  });

  it('masks secret-named keys and Kubernetes Secret data, keeping the shape', () => {
    const secret = {
      kind: 'Secret',
      metadata: { name: 'git-auth' },
      data: { username: 'c2FuZGJveA==', password: 'eA==' },
    };
    assert.deepEqual(redact.deep(secret), {
      kind: 'Secret',
      metadata: { name: 'git-auth' },
      data: { username: MASK, password: MASK },
    });
    assert.deepEqual(redact.deep({ registry: { host: 'h', password: 'whatever', token: '' } }), {
      registry: { host: 'h', password: MASK, token: '' },
    });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { s: TOKEN };
    a.self = a;
    const out = redact.deep(a) as Record<string, unknown>;
    assert.equal(out.s, MASK);
    assert.equal(out.self, out);
  });
});
