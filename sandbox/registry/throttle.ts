/**
 * A token-bucket throttle for response bodies: the `slow-download` fault puts one between a blob file and the
 * socket. The rate is asked for every chunk, so turning the fault off (or changing it) mid-download takes
 * effect at once; `undefined` means unthrottled. Backpressure does the rest: the file is read only as fast as
 * the bucket lets bytes out, so nothing piles up in memory.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** Largest slice released at once, so a slow rate still flows smoothly instead of in big bursts. */
const MAX_SLICE = 64 * 1024;

/** Limits throughput to `rate()` bytes per second. */
export class Throttle extends Transform {
  readonly #rate: () => number | undefined;
  readonly #abort = new AbortController();
  #tokens = 0;
  #last = performance.now();

  constructor(rate: () => number | undefined) {
    super();
    this.#rate = rate;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#release(chunk).then(
      () => callback(),
      (err: unknown) => callback(err as Error),
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#abort.abort();
    callback(err);
  }

  async #release(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const rate = this.#rate();
      if (rate === undefined || rate <= 0) {
        this.push(chunk.subarray(offset));
        return;
      }
      // One slice is about 100 ms of traffic; the bucket holds one slice, so bursts stay short.
      const slice = Math.max(1, Math.min(MAX_SLICE, Math.floor(rate / 10), chunk.length - offset));
      this.#refill(rate, slice);
      if (this.#tokens < slice) {
        await delay(Math.ceil(((slice - this.#tokens) / rate) * 1000), undefined, { signal: this.#abort.signal });
        this.#refill(rate, slice);
      }
      this.#tokens -= slice;
      this.push(chunk.subarray(offset, offset + slice));
      offset += slice;
    }
  }

  #refill(rate: number, capacity: number): void {
    const now = performance.now();
    this.#tokens = Math.min(Math.max(capacity, this.#tokens), this.#tokens + ((now - this.#last) / 1000) * rate);
    this.#last = now;
  }
}
