/**
 * Bounded-concurrency runner for processes-mode set-up and polling, where
 * dozens of agents are started and read over their APIs.
 */
import PQueue from 'p-queue'

/**
 * Run `tasks`, at most `concurrency` at once. After a failure no further
 * task starts, but those running are waited for, so nothing is still
 * starting when the caller cleans up; then the first failure is thrown.
 */
export async function runAll (concurrency: number, tasks: Array<() => Promise<void>>): Promise<void> {
  const queue = new PQueue({ concurrency })
  let failed = false
  const results = await Promise.allSettled(tasks.map(async task => {
    await queue.add(async () => {
      if (failed) return
      await task().catch(err => { failed = true; throw err })
    })
  }))
  const failure = results.find(result => result.status === 'rejected')
  if (failure != null) throw failure.reason
}
