/**
 * An in-memory pipe between two commands (`ls | grep x`): the writer pushes chunks, the reader iterates them.
 * When the reader stops early (`head -1`), the channel closes and later writes are dropped, which is how the
 * writer learns of its SIGPIPE (`onClose`).
 */

/** Bytes held before `drain()` makes a writer wait for the reader. */
const HIGH_WATER = 1 << 20;

/** A one-writer, one-reader byte pipe. */
export class ByteChannel implements AsyncIterable<Buffer> {
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #closed = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriters: Array<() => void> = [];
  readonly #closeListeners: Array<() => void> = [];

  /** True once the reader has gone: writes are dropped. */
  get closed(): boolean {
    return this.#closed;
  }

  write(chunk: Buffer | string): void {
    if (this.#ended || this.#closed) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    this.#queue.push(buf);
    this.#queued += buf.length;
    this.#wake();
  }

  /** The writer is done (EOF for the reader). */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Resolves when fewer than 1 MiB wait for the reader, or the reader is gone. */
  drain(): Promise<void> {
    if (this.#queued < HIGH_WATER || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#wakeWriters.push(resolve));
  }

  /** Calls `fn` once the reader has gone away. */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#closeListeners.push(fn);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      while (true) {
        const chunk = this.#queue.shift();
        if (chunk) {
          this.#queued -= chunk.length;
          this.#releaseWriters();
          yield chunk;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => {
          this.#wakeReader = resolve;
        });
      }
    } finally {
      this.close();
    }
  }

  /** The reader is done (it ended early, or its command finished without reading everything). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#queued = 0;
    this.#releaseWriters();
    for (const fn of this.#closeListeners.splice(0)) fn();
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #releaseWriters(): void {
    if (this.#queued >= HIGH_WATER && !this.#closed) return;
    for (const fn of this.#wakeWriters.splice(0)) fn();
  }
}
