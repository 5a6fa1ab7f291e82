/**
 * The discrete-event loop of the model mode: events ordered by virtual
 * time, ties broken by insertion order so runs are deterministic. A binary
 * heap is hand-written (40 lines) as no priority-queue package is installed.
 */
export type EventAction = () => void | Promise<void>

interface QueuedEvent {
  at: number
  order: number
  action: EventAction
}

function before (a: QueuedEvent, b: QueuedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order)
}

export class EventQueue {
  private readonly heap: QueuedEvent[] = []
  private order = 0
  /** Virtual time of the event being run, ms */
  now = 0

  get size (): number {
    return this.heap.length
  }

  schedule (delay: number, action: EventAction): void {
    const event = { at: this.now + Math.max(0, delay), order: this.order++, action }
    const heap = this.heap
    heap.push(event)
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (!before(heap[i], heap[parent])) break
      ;[heap[i], heap[parent]] = [heap[parent], heap[i]]
      i = parent
    }
  }

  /** Time of the next event, or Infinity when none is queued. */
  peek (): number {
    return this.heap[0]?.at ?? Number.POSITIVE_INFINITY
  }

  /** Run the next event, advancing the clock to it. */
  async step (): Promise<boolean> {
    const heap = this.heap
    const top = heap[0]
    if (top == null) return false
    const last = heap.pop() as QueuedEvent
    if (heap.length > 0) {
      heap[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && before(heap[l], heap[m])) m = l
        if (r < heap.length && before(heap[r], heap[m])) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m], heap[i]]
        i = m
      }
    }
    this.now = top.at
    await top.action()
    return true
  }
}
