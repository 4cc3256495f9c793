/**
 * The REST verbs over HTTP: parses `/api/v1/…` and `/apis/G/V/…` paths, picks the verb from a dispatch table
 * keyed by method and path shape, decodes bodies and query parameters, calls the Store and writes the answer
 * (objects, lists, Tables, Statuses, `Warning` headers). Watches go to watch-http.ts, logs to logs.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kube/clock.ts';
import { ApiError, type KubeObject, type PatchType } from '../kube/types.ts';
import type { LogStore } from './logs.ts';
import { servePodLog } from './logs.ts';
import { PATCH_CONTENT_TYPES } from './patch.ts';
import { queryBool, queryInt } from './query-values.ts';
import { decodeBody, mediaType, readBody } from './request-body.ts';
import { apiVersionOf, type Resolved, type ResourceRegistry } from './resources.ts';
import { getScale, writeScale } from './scale.ts';
import { badRequest, conflict, failure, methodNotAllowed } from './status.ts';
import type { DeleteParams, Store, WriteContext } from './store.ts';
import { buildTable } from './tables.ts';
import type { FieldValidation } from './validation.ts';
import type { WatchRender, WatchStreams } from './watch-http.ts';
import type { JsonObject as Json } from '../kube/json.ts';

/** A parsed resource URL. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** The legacy `/watch/` path prefix was used. */
  watchPrefix: boolean;
}

/** The 404 for URLs that name nothing the server serves. */
export function resourceNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

/** Parses `/api/v1/...` or `/apis/G/V/...` below the group version; undefined when the path is not a resource path. */
export function parseResourcePath(segments: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `namespaces/NAME/status|finalize` is the Namespace's own subresource, not a namespaced collection.
  const namespaceSubresource =
    group === '' && rest[0] === 'namespaces' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 3 || rest.some((s) => s === '')) return undefined;
  return { group, version, namespace, plural: rest[0]!, name: rest[1], subresource: rest[2], watchPrefix };
}

/** Which Table (or metadata-only) rendering the Accept header asks for. */
export function acceptedRendering(accept: string | undefined): 'Table' | 'PartialObjectMetadata' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('g=meta.k8s.io')) continue;
    if (params.includes('as=Table')) return 'Table';
    if (params.includes('as=PartialObjectMetadataList') || params.includes('as=PartialObjectMetadata'))
      return 'PartialObjectMetadata';
  }
  return undefined;
}

const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export interface RestHandlersOptions {
  store: Store;
  registry: ResourceRegistry;
  clock: Clock;
  watches: WatchStreams;
  logs?: LogStore;
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  path: ResourcePath;
  r: Resolved;
  query: URLSearchParams;
  warnings: string[];
}

type Verb = (call: Call) => Promise<void> | void;

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  warnings: string[],
  contentType = 'application/json',
): void {
  const headers: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(JSON.stringify(body));
}

function partialMetadata(obj: KubeObject): Json {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** The REST verbs. */
export class RestHandlers {
  readonly #store: Store;
  readonly #registry: ResourceRegistry;
  readonly #clock: Clock;
  readonly #watches: WatchStreams;
  readonly #logs?: LogStore;
  readonly #verbs: Record<string, Verb>;

  constructor(options: RestHandlersOptions) {
    this.#store = options.store;
    this.#registry = options.registry;
    this.#clock = options.clock;
    this.#watches = options.watches;
    this.#logs = options.logs;
    this.#verbs = {
      'GET collection': (c) => (c.path.watchPrefix || queryBool(c.query, 'watch') ? this.#watch(c) : this.#list(c)),
      'POST collection': (c) =>
        c.r.type.group === '' && c.r.type.kind === 'Binding' ? this.#bind(c) : this.#create(c),
      'DELETE collection': (c) => this.#deleteCollection(c),
      'GET item': (c) => (c.path.watchPrefix || queryBool(c.query, 'watch') ? this.#watch(c) : this.#get(c)),
      'PUT item': (c) => this.#update(c),
      'PATCH item': (c) => this.#patch(c),
      'DELETE item': (c) => this.#delete(c),
      'GET status': (c) => this.#get(c),
      'PUT status': (c) => this.#update(c, 'status'),
      'PATCH status': (c) => this.#patch(c, 'status'),
      'PUT finalize': (c) => this.#update(c, 'finalize'),
      'GET scale': (c) => send(c.res, 200, getScale(this.#store, c.r, c.path.namespace, c.path.name!), c.warnings),
      'PUT scale': (c) => this.#scale(c, undefined),
      'PATCH scale': (c) => this.#scale(c, PATCH_CONTENT_TYPES[mediaType(c.req.headers['content-type'])]),
      'GET log': (c) => this.#log(c),
      'POST binding': (c) => this.#bind(c),
      'GET exec': () => {
        throw badRequest('Upgrade request required');
      },
      'POST exec': () => {
        throw badRequest('Upgrade request required');
      },
    };
  }

  /** Resolves a parsed path to a served kind (404 otherwise). */
  resolve(path: ResourcePath): Resolved {
    const r = this.#registry.byResource(path.group, path.version, path.plural);
    if (!r) throw resourceNotFound();
    if (path.subresource && !this.#subresources(r).includes(path.subresource)) throw resourceNotFound();
    if (r.type.namespaced && path.name && !path.namespace && path.plural !== 'namespaces') throw resourceNotFound();
    if (!r.type.namespaced && path.namespace) throw resourceNotFound();
    return r;
  }

  #subresources(r: Resolved): string[] {
    return [...(r.type.status ? ['status'] : []), ...(r.type.scale ? ['scale'] : []), ...r.type.extraSubresources];
  }

  /** Handles one resource request; throws ApiError for the caller to write as a Status. */
  async handle(req: IncomingMessage, res: ServerResponse, path: ResourcePath, query: URLSearchParams): Promise<void> {
    const r = this.resolve(path);
    const shape = path.subresource ?? (path.name ? 'item' : 'collection');
    const verb = this.#verbs[`${req.method} ${shape}`];
    if (!verb) throw methodNotAllowed();
    const warnings: string[] = [];
    if (r.version.deprecated && r.version.deprecationWarning) warnings.push(r.version.deprecationWarning);
    await verb({ req, res, path, r, query, warnings });
  }

  #writeContext(c: Call, subresource?: WriteContext['subresource']): WriteContext {
    const fv = c.query.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(fv)) {
      throw badRequest(`fieldValidation parameter unsupported: ${fv}. Valid values are: Strict, Warn, Ignore`);
    }
    const dryRun = c.query.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All'))
      throw badRequest(`dryRun: Unsupported value: "${dryRun.find((d) => d !== 'All')}": supported values: "All"`);
    const manager = c.query.get('fieldManager') ?? undefined;
    if (manager && manager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return {
      fieldManager: manager ?? userAgentManager(c.req.headers['user-agent']),
      fieldValidation: fv as FieldValidation,
      dryRun: dryRun.length > 0,
      force: queryBool(c.query, 'force'),
      subresource,
      warnings: c.warnings,
    };
  }

  async #body(c: Call): Promise<unknown> {
    return decodeBody(await readBody(c.req), c.req.headers['content-type']);
  }

  #respondObject(c: Call, code: number, obj: KubeObject): void {
    const rendering = acceptedRendering(c.req.headers.accept);
    if (rendering === 'Table' && c.req.method === 'GET') {
      send(c.res, code, this.#table(c, [obj], obj.metadata.resourceVersion ?? ''), c.warnings, TABLE_CONTENT_TYPE);
    } else if (rendering === 'PartialObjectMetadata' && c.req.method === 'GET') {
      send(c.res, code, partialMetadata(obj), c.warnings);
    } else {
      send(c.res, code, obj, c.warnings);
    }
  }

  #table(c: Call, objects: KubeObject[], resourceVersion: string, continueToken?: string): unknown {
    const include = c.query.get('includeObject') ?? 'Metadata';
    if (!['None', 'Metadata', 'Object'].includes(include))
      throw badRequest(
        `includeObject: Unsupported value: "${include}": supported values: "None", "Metadata", "Object"`,
      );
    return buildTable({
      group: c.r.type.group,
      kind: c.r.type.kind,
      objects,
      printerColumns: c.r.type.crd ? (c.r.version.printerColumns ?? []) : undefined,
      includeObject: include as 'None' | 'Metadata' | 'Object',
      resourceVersion,
      continueToken,
      now: this.#clock.now(),
    });
  }

  #get(c: Call): void {
    this.#respondObject(c, 200, this.#store.get(c.r, c.path.namespace, c.path.name!));
  }

  #list(c: Call): void {
    const limit = queryInt(c.query, 'limit');
    const result = this.#store.list(c.r, c.path.namespace, {
      labelSelector: c.query.get('labelSelector') ?? undefined,
      fieldSelector: c.query.get('fieldSelector') ?? undefined,
      limit,
      continue: c.query.get('continue') ?? undefined,
    });
    const rendering = acceptedRendering(c.req.headers.accept);
    if (rendering === 'Table') {
      send(
        c.res,
        200,
        this.#table(c, result.items, result.resourceVersion, result.continue),
        c.warnings,
        TABLE_CONTENT_TYPE,
      );
      return;
    }
    const metadata = {
      resourceVersion: result.resourceVersion,
      ...(result.continue ? { continue: result.continue, remainingItemCount: result.remainingItemCount } : {}),
    };
    if (rendering === 'PartialObjectMetadata') {
      send(
        c.res,
        200,
        {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: result.items.map(partialMetadata),
        },
        c.warnings,
      );
      return;
    }
    send(
      c.res,
      200,
      {
        kind: c.r.type.listKind,
        apiVersion: apiVersionOf(c.r.type.group, c.r.version.name),
        metadata,
        items: result.items,
      },
      c.warnings,
    );
  }

  #watch(c: Call): void {
    const query = new URLSearchParams(c.query);
    if (c.path.name) {
      const byName = `metadata.name=${c.path.name}`;
      query.set('fieldSelector', query.get('fieldSelector') ? `${query.get('fieldSelector')},${byName}` : byName);
    }
    const rendering = acceptedRendering(c.req.headers.accept);
    const include = (c.query.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
    const render: WatchRender = rendering === 'Table' ? { table: true, includeObject: include } : { table: false };
    this.#watches.serve(c.req, c.res, this.#store, c.r, c.path.namespace, query, render);
  }

  async #create(c: Call): Promise<void> {
    const body = await this.#body(c);
    const ctx = this.#writeContext(c);
    const created = this.#store.create(c.r, c.path.namespace, body, ctx);
    send(c.res, 201, created, c.warnings);
  }

  async #update(c: Call, subresource?: WriteContext['subresource']): Promise<void> {
    const body = await this.#body(c);
    const ctx = this.#writeContext(c, subresource);
    const existed = !!this.#store.find(c.r, c.path.namespace, c.path.name!);
    const updated = this.#store.update(c.r, c.path.namespace, c.path.name!, body, ctx);
    send(c.res, existed ? 200 : 201, updated, c.warnings);
  }

  async #patch(c: Call, subresource?: 'status'): Promise<void> {
    const contentType = mediaType(c.req.headers['content-type']);
    const type: PatchType | undefined = PATCH_CONTENT_TYPES[contentType];
    if (!type) {
      throw new ApiError(
        failure(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${c.r.type.crd ? '' : ', application/strategic-merge-patch+json'}`,
        ),
      );
    }
    const body = await this.#body(c);
    if (body === undefined) throw badRequest('the body of the request is empty');
    const ctx = this.#writeContext(c, subresource);
    if (type !== 'apply' && c.query.has('force'))
      throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
    const { object, created } = this.#store.patch(c.r, c.path.namespace, c.path.name!, body, type, ctx);
    send(c.res, created ? 201 : 200, object, c.warnings);
  }

  async #deleteParams(c: Call): Promise<DeleteParams> {
    const body = (await this.#body(c)) as Json | undefined;
    const params: DeleteParams = {};
    const policy = (body?.propagationPolicy as string | undefined) ?? c.query.get('propagationPolicy') ?? undefined;
    const orphan =
      body?.orphanDependents ?? (c.query.has('orphanDependents') ? queryBool(c.query, 'orphanDependents') : undefined);
    if (policy !== undefined) {
      if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
        throw badRequest(
          `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
        );
      }
      params.propagationPolicy = policy as DeleteParams['propagationPolicy'];
    } else if (orphan !== undefined) {
      params.propagationPolicy = orphan ? 'Orphan' : 'Background';
    }
    const grace = (body?.gracePeriodSeconds as number | undefined) ?? queryInt(c.query, 'gracePeriodSeconds');
    if (grace !== undefined) params.gracePeriodSeconds = grace;
    if (body?.preconditions) params.preconditions = body.preconditions as DeleteParams['preconditions'];
    const dryRun = [...((body?.dryRun as string[] | undefined) ?? []), ...c.query.getAll('dryRun')];
    if (dryRun.length) params.dryRun = true;
    return params;
  }

  async #delete(c: Call): Promise<void> {
    const params = await this.#deleteParams(c);
    const { object, gone } = this.#store.delete(c.r, c.path.namespace, c.path.name!, params);
    send(c.res, gone ? 200 : 202, object, c.warnings);
  }

  async #deleteCollection(c: Call): Promise<void> {
    const params = await this.#deleteParams(c);
    const items = this.#store.deleteCollection(
      c.r,
      c.path.namespace,
      {
        labelSelector: c.query.get('labelSelector') ?? undefined,
        fieldSelector: c.query.get('fieldSelector') ?? undefined,
      },
      params,
    );
    send(
      c.res,
      200,
      {
        kind: c.r.type.listKind,
        apiVersion: apiVersionOf(c.r.type.group, c.r.version.name),
        metadata: { resourceVersion: String(this.#store.currentRv) },
        items,
      },
      c.warnings,
    );
  }

  async #scale(c: Call, patchType: PatchType | undefined): Promise<void> {
    const body = await this.#body(c);
    const ctx = this.#writeContext(c);
    send(c.res, 200, writeScale(this.#store, c.r, c.path.namespace, c.path.name!, body, patchType, ctx), c.warnings);
  }

  async #log(c: Call): Promise<void> {
    const pod = this.#store.get(c.r, c.path.namespace, c.path.name!);
    if (!this.#logs) throw badRequest('logs are not available in this sandbox');
    await servePodLog(c.req, c.res, pod, c.query, this.#logs);
  }

  /** `pods/NAME/binding` or `bindings`: assigns a pod to a node, as the scheduler does. */
  async #bind(c: Call): Promise<void> {
    const body = (await this.#body(c)) as Json | undefined;
    const target = body?.target as Json | undefined;
    const podName = c.path.name ?? ((body?.metadata as Json | undefined)?.name as string | undefined);
    if (!podName) throw badRequest('Binding.metadata.name: Required value');
    if (!target?.name) throw badRequest('Binding.target.name: Required value');
    const ctx = this.#writeContext(c);
    const pods = this.#registry.resolve('v1', 'Pod')!;
    const pod = this.#store.get(pods, c.path.namespace, podName);
    if (pod.spec?.nodeName) {
      throw conflict(
        'pods/binding',
        '',
        pod.metadata.name,
        `pod ${pod.metadata.name} is already assigned to node "${pod.spec.nodeName}"`,
      );
    }
    const bound = this.#store.update(
      pods,
      c.path.namespace,
      podName,
      { ...pod, spec: { ...pod.spec, nodeName: target.name } },
      ctx,
    );
    const conditions = ((bound.status?.conditions ?? []) as Json[]).filter((x) => x.type !== 'PodScheduled');
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: this.#clock.nowRfc3339(),
    });
    this.#store.update(
      pods,
      c.path.namespace,
      podName,
      { ...bound, status: { ...(bound.status ?? {}), conditions } },
      { ...ctx, subresource: 'status' },
    );
    send(c.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, c.warnings);
  }
}

/** The default field manager: the User-Agent's product name, as the real server derives it. */
export function userAgentManager(userAgent: string | undefined): string {
  const product = (userAgent ?? '').split(' ')[0]!.split('/')[0]!;
  return product ? product.slice(0, 128) : 'unknown';
}
