/**
 * Runs independent async jobs (kubectl invocations) a few at a time: the machine has two cores, so starting
 * dozens of kubectl processes at once only makes each slower. Use `all` like `Promise.all` over thunks.
 */

/** A concurrency limit for independent jobs. */
export class TaskPool {
  readonly #limit: number;

  constructor(limit: number) {
    if (limit < 1) throw new Error('TaskPool limit must be at least 1');
    this.#limit = limit;
  }

  /**
   * Runs every job, at most `limit` at a time, and answers their results in order. Every job runs even when one
   * fails; then the first failure is thrown (an AggregateError when several failed), so one broken command does
   * not hide the others.
   */
  async all<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
    const results = new Array<PromiseSettledResult<T>>(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const index = next++;
        try {
          results[index] = { status: 'fulfilled', value: await jobs[index]() };
        } catch (reason) {
          results[index] = { status: 'rejected', reason };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#limit, jobs.length) }, worker));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(
        failures,
        `${failures.length} of ${jobs.length} jobs failed:\n${failures.map((f) => String(f?.message ?? f)).join('\n---\n')}`,
      );
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }
}
