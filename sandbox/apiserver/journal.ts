/**
 * The journal: one entry per object change (ADDED/MODIFIED/DELETED) with a real-time millisecond timestamp,
 * so reports can draw timelines and tests can assert on orderings without a watch of their own.
 * Kept in memory (bounded) and optionally appended to a JSON-lines file.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import type { KubeObject, WatchEventType } from '../kube/types.ts';

/** One change. `ts` is real time (epoch ms), not the skewed cluster clock. */
export interface JournalEntry {
  ts: number;
  type: WatchEventType;
  resourceVersion: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  /** Pods only: `status.phase` after the change. */
  phase?: string;
  /** Set when the object is being deleted (deletionTimestamp present). */
  deleting?: boolean;
  /** `note` entries: what happened. */
  detail?: string;
}

export interface JournalOptions {
  /** Appends every entry as one JSON line to this file. */
  file?: string;
  /** Entries kept in memory (oldest dropped first). Default 100 000. */
  capacity?: number;
}

/** Records every committed change. Listen with `journal.on('entry', fn)`. */
export class Journal extends EventEmitter {
  readonly #file?: string;
  readonly #capacity: number;
  #entries: JournalEntry[] = [];
  #fileFailed = false;

  constructor(options: JournalOptions = {}) {
    super();
    this.#file = options.file;
    this.#capacity = options.capacity ?? 100_000;
  }

  /** Records a committed change of `obj` (as stored, after the change). */
  record(type: WatchEventType, obj: KubeObject): void {
    const entry: JournalEntry = {
      ts: Date.now(),
      type,
      resourceVersion: obj.metadata.resourceVersion ?? '',
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      name: obj.metadata.name,
      uid: obj.metadata.uid ?? '',
      ...(obj.kind === 'Pod' && obj.apiVersion === 'v1' && obj.status?.phase
        ? { phase: String(obj.status.phase) }
        : {}),
      ...(obj.metadata.deletionTimestamp ? { deleting: true } : {}),
    };
    this.#append(entry);
  }

  #append(entry: JournalEntry): void {
    this.#entries.push(entry);
    // Drop in chunks so the array is not shifted on every entry.
    if (this.#entries.length > this.#capacity * 1.1) this.#entries = this.#entries.slice(-this.#capacity);
    if (this.#file && !this.#fileFailed) {
      try {
        appendFileSync(this.#file, `${JSON.stringify(entry)}\n`);
      } catch (err) {
        this.#fileFailed = true;
        this.emit('error-file', err);
      }
    }
    this.emit('entry', entry);
  }

  /**
   * Records a sandbox happening that is no object change (a fault armed by a trigger switching on), as kind
   * `SandboxFault` of `sandbox.gitops-e2e/v1` named by the fault's spec, at the current resourceVersion `rv`.
   */
  note(rv: string, name: string, detail: string): void {
    const entry: JournalEntry = {
      ts: Date.now(),
      type: 'MODIFIED',
      resourceVersion: rv,
      apiVersion: 'sandbox.gitops-e2e/v1',
      kind: 'SandboxFault',
      name,
      uid: '',
      detail,
    };
    this.#append(entry);
  }

  /** Entries with a resourceVersion greater than `sinceRv` (all kept entries when omitted). */
  entries(sinceRv?: string | number): JournalEntry[] {
    if (sinceRv === undefined || sinceRv === '') return [...this.#entries];
    const since = Number(sinceRv);
    return this.#entries.filter((e) => Number(e.resourceVersion) > since);
  }
}
