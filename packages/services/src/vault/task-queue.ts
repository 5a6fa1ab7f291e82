/**
 * Runs async tasks one at a time, in call order. Every change to the vault's
 * files goes through one queue, so two concurrent requests for the same
 * service credential cannot both issue a certificate, and a renewal cannot
 * interleave with a revocation of the same serial.
 */
export class TaskQueue {
  #tail: Promise<unknown> = Promise.resolve()

  /** Run `task` after every task queued before it; its result or error is passed through. */
  async run<T> (task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task)
    // The queue must survive a failing task, so the tail swallows errors
    // that the caller already receives through `result`.
    this.#tail = result.catch(() => {})
    return await result
  }

  /** Resolves once every task queued so far has settled. */
  async idle (): Promise<void> {
    await this.#tail
  }
}
