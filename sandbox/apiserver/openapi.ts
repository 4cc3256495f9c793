/**
 * A minimal OpenAPI v3 surface: the `/openapi/v3` index and one document per group version. Each kind's
 * PATCH operation carries `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, which
 * is what kubectl and helm look for before delegating validation to the server. PATCH request bodies list
 * no strategic-merge content type on purpose: kubectl then computes apply patches from its compiled-in types
 * instead of from (our deliberately thin) schemas. CRD kinds carry their openAPIV3Schema so `kubectl explain`
 * has something to show.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceRegistry, type ResourceType, type VersionInfo } from './resources.ts';
import type { JsonObject as Json } from '../kube/json.ts';

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(type: ResourceType, version: string): string {
  if (type.crd) return `${type.group.split('.').reverse().join('.')}.${version}.${type.kind}`;
  return `io.k8s.api.${type.group ? type.group.replace(/\.k8s\.io$/, '').replace(/\./g, '') : 'core'}.${version}.${type.kind}`;
}

/** Serves and caches the OpenAPI v3 index and documents, rebuilt when the registry changes. */
export class OpenApi {
  readonly #registry: ResourceRegistry;
  #docs?: Map<string, { body: string; hash: string }>;

  constructor(registry: ResourceRegistry) {
    this.#registry = registry;
    registry.on('change', () => {
      this.#docs = undefined;
    });
  }

  #build(): Map<string, { body: string; hash: string }> {
    if (this.#docs) return this.#docs;
    const docs = new Map<string, { body: string; hash: string }>();
    for (const { group, versions } of this.#registry.groups()) {
      for (const version of versions) {
        const body = JSON.stringify(this.#document(group, version));
        docs.set(gvPath(group, version), {
          body,
          hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase(),
        });
      }
    }
    this.#docs = docs;
    return docs;
  }

  /** `GET /openapi/v3`. */
  index(): Json {
    const paths: Json = {};
    for (const [path, doc] of this.#build())
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` };
    return { paths };
  }

  /** `GET /openapi/v3/<api/v1 | apis/G/V>`: the JSON document, or undefined. */
  document(path: string): string | undefined {
    return this.#build().get(path)?.body;
  }

  #document(group: string, version: string): Json {
    const paths: Json = {};
    const schemas: Json = {};
    for (const { type, version: vi } of this.#registry.inGroupVersion(group, version)) {
      const gvk = { group, version, kind: type.kind };
      const ref = { $ref: `#/components/schemas/${schemaName(type, version)}` };
      const base = `/${gvPath(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
      const params = [
        ...(type.namespaced
          ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }]
          : []),
        ...QUERY_PARAMS.map((name) => ({
          name,
          in: 'query',
          schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
        })),
      ];
      const op = (action: string, extra: Json = {}) => ({
        operationId: `${action}${type.kind}`,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        responses: { '200': { content: { 'application/json': { schema: ref } } } },
        ...extra,
      });
      paths[base] = {
        get: op('list'),
        post: op('post', { parameters: params, requestBody: { content: { '*/*': { schema: ref } } } }),
      };
      paths[`${base}/{name}`] = {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }],
        get: op('get'),
        put: op('put', { parameters: params, requestBody: { content: { '*/*': { schema: ref } } } }),
        delete: op('delete'),
        patch: op('patch', {
          parameters: params,
          requestBody: {
            content: {
              'application/apply-patch+yaml': {
                schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
              },
              'application/json-patch+json': {
                schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
              },
              'application/merge-patch+json': {
                schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
              },
            },
          },
        }),
      };
      schemas[schemaName(type, version)] = this.#schema(type, vi, gvk);
    }
    schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    };
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.9' },
      paths,
      components: { schemas },
    };
  }

  #schema(type: ResourceType, vi: VersionInfo, gvk: Json): Json {
    const base = vi.schema
      ? structuredClone(vi.schema)
      : {
          type: 'object',
          description: `${type.kind} (${apiVersionOf(type.group, vi.name)})`,
          'x-kubernetes-preserve-unknown-fields': true,
        };
    return { ...base, 'x-kubernetes-group-version-kind': [gvk] };
  }
}
