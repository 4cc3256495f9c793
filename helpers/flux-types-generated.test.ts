import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compileType, DEFAULT_OUT, oneLine, renderFluxTypes, servedVersions, staleMessage, toJsonSchema } from '../scripts/generate-flux-types.ts';

const root = resolve(import.meta.dirname, '..');
const script = join(root, 'scripts/generate-flux-types.ts');
const dir = mkdtempSync(join(tmpdir(), 'flux-types-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generator CLI like npm does; resolves with its exit code and output instead of throwing. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('generate-flux-types', () => {
  it('the committed file is what the vendored CRDs generate, byte for byte, on every run', async () => {
    const first = await renderFluxTypes();
    assert.equal(await renderFluxTypes(), first);
    assert.ok(readFileSync(join(root, DEFAULT_OUT), 'utf8') === first, `${DEFAULT_OUT} is stale: run npm run generate:flux-types`);
  });

  it('--check exits 1 with one line when regenerating would change the file, and passes on a fresh one', async () => {
    const out = join(dir, 'flux-types.generated.ts');
    writeFileSync(out, await renderFluxTypes());
    assert.equal(await staleMessage(out), null);
    writeFileSync(out, readFileSync(out, 'utf8').replace('interval: true', 'interval: false'));
    const stale = await cli('--check', '--out', out);
    assert.equal(stale.code, 1);
    assert.equal(stale.stderr, `${out} is stale: run npm run generate:flux-types\n`);
    assert.equal(stale.stdout, '');
  });

  it('names a missing file and the file inside the repository by its relative path', async () => {
    assert.equal(await staleMessage(join(dir, 'absent.ts')), `${join(dir, 'absent.ts')} is missing: run npm run generate:flux-types`);
    const inRepo = join(root, 'helpers', `.stale-${process.pid}.generated.ts`);
    writeFileSync(inRepo, '// old\n');
    try {
      assert.equal(await staleMessage(inRepo), `helpers/.stale-${process.pid}.generated.ts is stale: run npm run generate:flux-types`);
    } finally {
      rmSync(inRepo);
    }
  });

  it('one type per kind and served version, merged across lines', () => {
    const names = servedVersions().map((v) => v.typeName);
    assert.equal(names.length, 26);
    for (const name of ['GitRepositoryV1', 'KustomizationV1', 'HelmReleaseV2', 'HelmReleaseV2beta2', 'ImagePolicyV1', 'ImagePolicyV1beta2', 'ImageRepositoryV1beta2']) {
      assert.ok(names.includes(name), name);
    }
    const git = servedVersions().find((v) => v.typeName === 'GitRepositoryV1');
    assert.deepEqual(git?.lines, ['v2.9', 'v2.6']);
    // v2.9 requires status.artifact.digest, v2.6 does not: the merged type must accept both lines' objects.
    assert.deepEqual(git?.schema.properties.status.properties.artifact.required, ['lastUpdateTime', 'path', 'revision', 'url']);
  });

  it('shortens Go doc comments to their first sentence', () => {
    assert.equal(oneLine('Interval at which to check.\nMore text.\n\nSecond paragraph.'), 'Interval at which to check.');
    assert.equal(oneLine('No full stop\nacross lines'), 'No full stop across lines');
    assert.equal(oneLine('a */ b.'), 'a *\\/ b.');
    assert.equal(oneLine('x'.repeat(200)).length, 140);
  });

  it('turns the Kubernetes schema dialect into TypeScript', async () => {
    const crd = {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['Recreate', 'RollingUpdate'], description: 'Mode of the rollout.\nSecond line.' },
        maxSurge: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        values: { 'x-kubernetes-preserve-unknown-fields': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        closed: { type: 'object', properties: { name: { type: 'string' } } },
      },
    };
    const ts = await compileType(toJsonSchema(crd) as never, 'ThingV1beta2');
    assert.match(ts, /^export interface ThingV1beta2 \{/);
    assert.match(ts, /\/\*\* Mode of the rollout\. \*\/\n {2}mode: 'Recreate' \| 'RollingUpdate';/);
    assert.match(ts, /maxSurge\?: number \| string;/);
    assert.match(ts, /values\?: unknown;/);
    assert.match(ts, /extra\?: \{\n {4}\[k: string\]: unknown \| undefined;\n {2}\};/);
    assert.match(ts, /labels\?: \{\n {4}\[k: string\]: string \| undefined;\n {2}\};/);
    assert.match(ts, /closed\?: \{\n {4}name\?: string;\n {2}\};/);
  });
});
