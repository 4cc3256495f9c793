/**
 * Fake Foundry Local model artifacts: a `models.tar.gz` laid out like Foundry's model cache
 * (`<publisher>/<model-id>/v<N>/` with `genai_config.json`, `inference_model.json` `{"Name": …}`, a tiny
 * `model.onnx`, a tokenizer) and the `oras push` that publishes it. v0.1.0 carries phi-3.5 and qwen2.5; v0.2.0
 * and every other tag add llama-3.2. Archives are reproducible: same tag (and padding), same bytes, same digest;
 * different tags differ (the weights are derived from the tag), so every tag is a distinct artifact.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create as createTar } from 'tar';
import semver from 'semver';
import { digestFile } from '../../lib/oci/digest.ts';
import type { OciClient, PushResult } from '../../lib/oci/client.ts';
import { parseReference, referenceTarget } from '../../lib/oci/reference.ts';

/** What `oras push … --artifact-type foundry/models models.tar.gz:application/gzip` uses. */
export const MODELS_ARTIFACT = {
  artifactType: 'foundry/models',
  mediaType: 'application/gzip',
  fileName: 'models.tar.gz',
} as const;

/** One fake model of the catalog. */
interface FakeModel {
  publisher: string;
  id: string;
  version: number;
  /** `type` in genai_config.json, and sizes that look like the real model's. */
  type: string;
  hiddenSize: number;
  layers: number;
  heads: number;
  vocab: number;
  context: number;
}

const PHI: FakeModel = {
  publisher: 'microsoft',
  id: 'phi-3.5-mini-instruct-generic-gpu',
  version: 1,
  type: 'phi3',
  hiddenSize: 3072,
  layers: 32,
  heads: 32,
  vocab: 32064,
  context: 131072,
};
const QWEN: FakeModel = {
  publisher: 'microsoft',
  id: 'qwen2.5-0.5b-instruct-generic-gpu',
  version: 1,
  type: 'qwen2',
  hiddenSize: 896,
  layers: 24,
  heads: 14,
  vocab: 151936,
  context: 32768,
};
const LLAMA: FakeModel = {
  publisher: 'meta',
  id: 'llama-3.2-1b-instruct-generic-gpu',
  version: 1,
  type: 'llama',
  hiddenSize: 2048,
  layers: 16,
  heads: 32,
  vocab: 128256,
  context: 131072,
};

/** The first release's models; every later tag has `LATER_MODELS`. */
const FIRST_TAG = '0.1.0';
const FIRST_MODELS: readonly FakeModel[] = [PHI, QWEN];
const LATER_MODELS: readonly FakeModel[] = [PHI, QWEN, LLAMA];

/** Options of `buildModelsTarGz`. */
export interface BuildModelsOptions {
  /**
   * Adds `model.onnx.data` (external weights) of this many bytes to the first model, to make the download big.
   * The padding is a sparse file while staging and is stored uncompressed, so the artifact really is that big
   * on the wire without the build writing it twice.
   */
  padBytes?: number;
}

/** What `buildModelsTarGz` produced. */
export interface BuiltModels {
  /** `sha256:<hex>` of the tar.gz (the layer digest once pushed). */
  sha256: string;
  size: number;
  /** Model folders inside the archive, e.g. `meta/llama-3.2-1b-instruct-generic-gpu/v1`. */
  models: string[];
}

/** Model folders (`<publisher>/<model-id>/v<N>`) the artifact of `tag` contains. */
export function modelsForTag(tag: string): string[] {
  return modelSet(tag).map(folderOf);
}

/** Writes the reproducible `models.tar.gz` for `tag` to `outFile`. */
export async function buildModelsTarGz(
  tag: string,
  outFile: string,
  options: BuildModelsOptions = {},
): Promise<BuiltModels> {
  const padBytes = options.padBytes ?? 0;
  if (!Number.isSafeInteger(padBytes) || padBytes < 0)
    throw new Error(`padBytes must be a non-negative integer (got ${padBytes})`);
  const models = modelSet(tag);
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  const staging = await mkdtemp(path.join(path.dirname(path.resolve(outFile)), '.models-staging-'));
  const partial = `${outFile}.partial`;
  try {
    const entries = new Set<string>();
    for (const model of models) {
      const folder = folderOf(model);
      const parts = folder.split('/');
      for (let i = 1; i <= parts.length; i++) entries.add(`${parts.slice(0, i).join('/')}/`);
      for (const [name, content] of Object.entries(modelFiles(model, tag))) {
        await writeStaged(staging, `${folder}/${name}`, content);
        entries.add(`${folder}/${name}`);
      }
    }
    if (padBytes > 0) {
      const padFile = `${folderOf(models[0]!)}/model.onnx.data`;
      const handle = await open(path.join(staging, padFile), 'w', 0o644);
      await handle.truncate(padBytes);
      await handle.close();
      entries.add(padFile);
    }
    for (const entry of entries) if (entry.endsWith('/')) await chmod(path.join(staging, entry), 0o755);
    await createTar(
      {
        file: partial,
        cwd: staging,
        gzip: { level: padBytes > 0 ? 0 : 9 },
        portable: true,
        mtime: new Date(0),
        noDirRecurse: true,
      },
      [...entries].sort(),
    );
    await rename(partial, outFile);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
  const { digest, size } = await digestFile(outFile);
  return { sha256: digest, size, models: models.map(folderOf) };
}

/** Options of `publishArtifact`. */
export interface PublishOptions {
  /** Extra manifest annotations (e.g. a run id), like `oras push --annotation`. */
  annotations?: Record<string, string>;
}

/**
 * What `oras push REF:TAG --artifact-type foundry/models models.tar.gz:application/gzip` does, through `client`.
 * `ref` is `repo:tag` or `host/repo:tag` with the client's host.
 */
export async function publishArtifact(
  client: OciClient,
  ref: string,
  file: string,
  options: PublishOptions = {},
): Promise<PushResult> {
  const parsed = parseReference(ref, { defaultRegistry: client.registry });
  if (parsed.registry !== client.registry) throw new Error(`reference ${ref} is not on ${client.registry}`);
  if (parsed.tag === undefined) throw new Error(`reference ${ref} needs a tag`);
  return client.pushArtifact(parsed.repository, referenceTarget(parsed), {
    artifactType: MODELS_ARTIFACT.artifactType,
    files: [{ path: file, mediaType: MODELS_ARTIFACT.mediaType, title: MODELS_ARTIFACT.fileName }],
    annotations: options.annotations,
  });
}

function modelSet(tag: string): readonly FakeModel[] {
  return semver.valid(tag) !== null && semver.eq(tag, FIRST_TAG) ? FIRST_MODELS : LATER_MODELS;
}

function folderOf(model: FakeModel): string {
  return `${model.publisher}/${model.id}/v${model.version}`;
}

/** The files of one model folder; the weights depend on the tag so each release is a different artifact. */
function modelFiles(model: FakeModel, tag: string): Record<string, string | Buffer> {
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  const headSize = model.hiddenSize / model.heads;
  return {
    'genai_config.json': json({
      model: {
        type: model.type,
        context_length: model.context,
        vocab_size: model.vocab,
        decoder: {
          filename: 'model.onnx',
          hidden_size: model.hiddenSize,
          head_size: headSize,
          num_attention_heads: model.heads,
          num_hidden_layers: model.layers,
          num_key_value_heads: model.heads,
          session_options: { log_id: 'onnxruntime-genai', provider_options: [{ cuda: {} }] },
        },
      },
      search: { max_length: Math.min(model.context, 4096), do_sample: false, top_k: 1, temperature: 1.0 },
    }),
    'inference_model.json': json({
      Name: model.id,
      PromptTemplate: {
        system: '<|system|>\n{Content}<|end|>',
        user: '<|user|>\n{Content}<|end|>',
        assistant: '<|assistant|>\n{Content}<|end|>',
        prompt: '<|user|>\n{Content}<|end|>\n<|assistant|>',
      },
    }),
    'model.onnx': fakeWeights(`${folderOf(model)}@${tag}`, 512),
    'tokenizer.json': json({ version: '1.0', model: { type: 'BPE', vocab_size: model.vocab } }),
  };
}

/** Deterministic bytes standing in for weights: a hash chain seeded with `seed`. */
function fakeWeights(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function writeStaged(staging: string, relative: string, content: string | Buffer): Promise<void> {
  const file = path.join(staging, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  // Modes from the umask would make the archive differ between machines.
  await chmod(file, 0o644);
}
