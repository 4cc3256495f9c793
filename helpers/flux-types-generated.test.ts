import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  compileType,
  DEFAULT_OUT,
  extractCommonBases,
  extractSharedTypes,
  oneLine,
  renderFluxTypes,
  servedVersions,
  staleMessage,
  toJsonSchema,
  type Schema,
} from '../scripts/generate-flux-types.ts';

const root = resolve(import.meta.dirname, '..');
const script = join(root, 'scripts/generate-flux-types.ts');
const dir = mkdtempSync(join(tmpdir(), 'flux-types-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generator CLI like npm does; resolves with its exit code and output instead of throwing. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
    });
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
    assert.ok(
      readFileSync(join(root, DEFAULT_OUT), 'utf8') === first,
      `${DEFAULT_OUT} is stale: run npm run generate:flux-types`,
    );
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
    assert.equal(
      await staleMessage(join(dir, 'absent.ts')),
      `${join(dir, 'absent.ts')} is missing: run npm run generate:flux-types`,
    );
    const inRepo = join(root, 'helpers', `.stale-${process.pid}.generated.ts`);
    writeFileSync(inRepo, '// old\n');
    try {
      assert.equal(
        await staleMessage(inRepo),
        `helpers/.stale-${process.pid}.generated.ts is stale: run npm run generate:flux-types`,
      );
    } finally {
      rmSync(inRepo);
    }
  });

  it('one type per kind and served version, merged across lines', () => {
    const names = servedVersions().map((v) => v.typeName);
    assert.equal(names.length, 26);
    for (const name of [
      'GitRepositoryV1',
      'KustomizationV1',
      'HelmReleaseV2',
      'HelmReleaseV2beta2',
      'ImagePolicyV1',
      'ImagePolicyV1beta2',
      'ImageRepositoryV1beta2',
    ]) {
      assert.ok(names.includes(name), name);
    }
    const git = servedVersions().find((v) => v.typeName === 'GitRepositoryV1');
    assert.deepEqual(git?.lines, ['v2.9', 'v2.6']);
    // v2.9 requires status.artifact.digest, v2.6 does not: the merged type must accept both lines' objects.
    assert.deepEqual(git?.schema.properties.status.properties.artifact.required, [
      'lastUpdateTime',
      'path',
      'revision',
      'url',
    ]);
  });

  it('shortens Go doc comments to their first sentence', () => {
    assert.equal(
      oneLine('Interval at which to check.\nMore text.\n\nSecond paragraph.'),
      'Interval at which to check.',
    );
    assert.equal(oneLine('No full stop\nacross lines'), 'No full stop across lines');
    assert.equal(oneLine('a */ b.'), 'a *\\/ b.');
    assert.equal(oneLine('x'.repeat(200)).length, 140);
  });

  it('turns the Kubernetes schema dialect into TypeScript', async () => {
    const crd = {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: {
          type: 'string',
          enum: ['Recreate', 'RollingUpdate'],
          description: 'Mode of the rollout.\nSecond line.',
        },
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

describe('extractSharedTypes', () => {
  const ref = () => ({
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', description: 'Name of the referent.' }, namespace: { type: 'string' } },
  });
  const roots = (): Array<{ name: string; schema: Schema }> => [
    {
      name: 'ThingV1',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { sourceRef: { ...ref(), description: 'SourceRef of v1.' }, interval: { type: 'string' } },
          },
        },
      },
    },
    {
      name: 'ThingV2',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { sourceRef: { ...ref(), description: 'SourceRef of v2.' }, suspend: { type: 'boolean' } },
          },
          status: { type: 'object', properties: { lastRef: ref() } },
        },
      },
    },
  ];

  it('emits an object that stands in several places once, each place keeping its own description', () => {
    const r = roots();
    const shared = extractSharedTypes(r, new Set());
    assert.deepEqual(
      shared.map((t) => t.name),
      ['SourceRef'],
    );
    assert.deepEqual(shared[0]!.schema.properties, ref().properties);
    assert.deepEqual(r[0]!.schema.properties.spec.properties.sourceRef, {
      description: 'SourceRef of v1.',
      tsType: 'SourceRef',
    });
    assert.deepEqual(r[1]!.schema.properties.spec.properties.sourceRef, {
      description: 'SourceRef of v2.',
      tsType: 'SourceRef',
    });
    assert.deepEqual(r[1]!.schema.properties.status.properties.lastRef, { tsType: 'SourceRef' });
    assert.equal(r[0]!.schema.properties.spec.properties.interval.type, 'string', 'what differs stays inline');
  });

  it('names it after its parents when the plain name is taken or says nothing, and never shares one-property objects', () => {
    const r = roots();
    assert.deepEqual(
      extractSharedTypes(r, new Set(['SourceRef'])).map((t) => t.name),
      ['ThingSourceRef'],
    );
    const tiny = [1, 2].map((n) => ({
      name: `T${n}`,
      schema: { type: 'object', properties: { ref: { type: 'object', properties: { name: { type: 'string' } } } } },
    }));
    assert.deepEqual(extractSharedTypes(tiny, new Set()), []);
  });

  it("takes the Go type's name from an array item's doc comment", () => {
    const item = () => ({
      type: 'array',
      items: { ...ref(), description: 'NamespacedObjectReference contains enough information to locate the object.' },
    });
    const r = [1, 2].map((n) => ({ name: `T${n}`, schema: { type: 'object', properties: { dependsOn: item() } } }));
    assert.deepEqual(
      extractSharedTypes(r, new Set()).map((t) => t.name),
      ['NamespacedObjectReference'],
    );
  });

  it('the generated file declares each shared part once', async () => {
    const text = await renderFluxTypes();
    const names = [...text.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
    assert.equal(new Set(names).size, names.length);
    assert.match(text, /^export type ChartVerify = \{/m);
    assert.ok((text.match(/verify\?: ChartVerify;/g) ?? []).length >= 2, 'ChartVerify is referred to, not repeated');
  });
});

describe('extractCommonBases', () => {
  const str = { type: 'string' };
  const spec = (extra: Record<string, unknown>) => ({
    type: 'object',
    required: ['interval'],
    properties: { interval: str, path: str, prune: { type: 'boolean' }, ...extra },
  });
  const version = (name: string, extra: Record<string, unknown>) => ({
    name,
    schema: { type: 'object', properties: { spec: { ...spec(extra), description: `${name} spec.` } } },
  });
  /** The `spec` of a root as the generator leaves it. */
  const specOf = (root: { schema: { properties: { spec: unknown } } }) =>
    root.schema.properties.spec as { allOf?: Array<{ tsType?: string; properties?: unknown }> };

  it('emits what the versions of a kind share once, each version being that base and its own properties', () => {
    const roots = [version('ThingV1', { timeout: str }), version('ThingV1beta1', { validation: str })];
    const bases = extractCommonBases(roots, [], new Set());
    assert.deepEqual(
      bases.map((b) => b.name),
      ['ThingSpecBase'],
    );
    assert.deepEqual(Object.keys(bases[0]!.schema.properties), ['interval', 'path', 'prune']);
    assert.deepEqual(bases[0]!.schema.required, ['interval']);
    assert.deepEqual(roots[0]!.schema.properties.spec, {
      description: 'ThingV1 spec.',
      allOf: [
        { tsType: 'ThingSpecBase' },
        { type: 'object', additionalProperties: false, properties: { timeout: str } },
      ],
    });
    assert.deepEqual(specOf(roots[1]!).allOf?.[1]?.properties, { validation: str });
  });

  it('uses a shared type one version already refers to as the base, and leaves versions with too little in common alone', () => {
    const roots = [
      { name: 'ThingV2', schema: { type: 'object', properties: { spec: { tsType: 'Spec' } } } },
      version('ThingV3', { action: str }),
    ];
    const shared = [{ name: 'Spec', schema: spec({}) }];
    assert.deepEqual(extractCommonBases(roots, shared, new Set(['Spec'])), []);
    assert.deepEqual(specOf(roots[1]!).allOf?.[0], { tsType: 'Spec' });
    const apart = [
      version('OtherV1', { a: str }),
      {
        name: 'OtherV2',
        schema: { type: 'object', properties: { spec: { type: 'object', properties: { interval: str, b: str } } } },
      },
    ];
    assert.deepEqual(extractCommonBases(apart, [], new Set()), []);
    assert.equal(specOf(apart[0]!).allOf, undefined);
  });

  it('when a version has only part of a shared type, that part is a base the shared type extends too', () => {
    const roots = [
      { name: 'ThingV2', schema: { type: 'object', properties: { spec: { tsType: 'Spec' } } } },
      version('ThingV1', {}),
    ];
    const shared: Array<{ name: string; schema: Record<string, unknown> }> = [
      { name: 'Spec', schema: spec({ timeout: str }) },
    ];
    const bases = extractCommonBases(roots, shared, new Set(['Spec']));
    assert.deepEqual(
      bases.map((b) => b.name),
      ['SpecBase'],
    );
    assert.deepEqual(Object.keys(bases[0]!.schema.properties), ['interval', 'path', 'prune']);
    assert.deepEqual(shared[0]!.schema.allOf, [
      { tsType: 'SpecBase' },
      { type: 'object', additionalProperties: false, properties: { timeout: str } },
    ]);
    assert.deepEqual(roots[1]!.schema.properties.spec, { description: 'ThingV1 spec.', tsType: 'SpecBase' });
  });

  it('when all versions share too little, bases what the two closest share, named after them', () => {
    const loner = {
      name: 'ThingV9',
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { interval: str, b: str } } } },
    };
    const roots = [version('ThingV1', { a: str }), version('ThingV2', { c: str }), loner];
    assert.deepEqual(
      extractCommonBases(roots, [], new Set(['ThingSpecBase'])).map((b) => b.name),
      ['ThingSpecV1AndV2Base'],
    );
    assert.deepEqual(specOf(roots[1]!).allOf?.[0], { tsType: 'ThingSpecV1AndV2Base' });
    assert.equal(specOf(loner).allOf, undefined);
  });
});
