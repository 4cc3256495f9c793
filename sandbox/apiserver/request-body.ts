/**
 * Request bodies: read with the real server's size limit and decoded by Content-Type (JSON, YAML, the patch
 * media types, the protobuf subset typed clients send), with the real server's 400/413/415 Statuses for bodies it cannot take.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../kube/types.ts';
import { decodeProtobufObject, isProtobuf } from './protobuf.ts';
import { badRequest, failure } from './status.ts';

/** The real server's request size limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body (rejects with 413 past the limit). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new ApiError(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`));
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml']);
const JSON_TYPES = new Set([
  '',
  'application/json',
  '*/*',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+json',
]);

/** Decodes a body by its media type; empty bodies decode to undefined. */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (isProtobuf(type)) return raw.length ? decodeProtobufObject(raw) : undefined;
  if (!YAML_TYPES.has(type) && !JSON_TYPES.has(type)) {
    throw new ApiError(
      failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      ),
    );
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (YAML_TYPES.has(type)) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}
