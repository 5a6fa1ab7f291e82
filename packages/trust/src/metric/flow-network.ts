/**
 * A max-flow network with Dinic's algorithm (BFS level graph + blocking
 * flow with current-arc pointers), stored in flat typed arrays so a graph of
 * 10^5 arcs costs no per-arc objects.
 *
 * Hand-written: no maintained npm package offers incremental max-flow (add
 * and remove arcs, then re-augment from the current flow), which the trust
 * engine needs for cheap updates.
 *
 * Arcs come in pairs: arc `a` (even) is the forward arc, `a ^ 1` its
 * residual twin. The flow on a forward arc is the residual capacity of its
 * twin, because twins start at zero.
 */

/** Capacity standing in for "unbounded" on arcs between cells. */
export const INFINITE_CAPACITY = 1 << 30

function grow<T extends Int32Array> (array: T, size: number): T {
  if (array.length >= size) {
    return array
  }
  const next = new Int32Array(Math.max(size, array.length * 2)) as T
  next.set(array)
  return next
}

export class FlowNetwork {
  readonly source: number
  readonly sink: number
  nodeCount: number
  arcCount = 0
  head: Int32Array
  next: Int32Array
  to: Int32Array
  cap: Int32Array
  private level: Int32Array
  private iter: Int32Array
  private queue: Int32Array

  constructor (nodeCount: number, arcHint = 16) {
    this.nodeCount = nodeCount
    this.source = 0
    this.sink = 1
    this.head = new Int32Array(nodeCount).fill(-1)
    this.next = new Int32Array(arcHint)
    this.to = new Int32Array(arcHint)
    this.cap = new Int32Array(arcHint)
    this.level = new Int32Array(nodeCount)
    this.iter = new Int32Array(nodeCount)
    this.queue = new Int32Array(nodeCount)
  }

  /** Add an arc; returns its (even) index. */
  addArc (from: number, to: number, capacity: number): number {
    const a = this.arcCount
    this.next = grow(this.next, a + 2)
    this.to = grow(this.to, a + 2)
    this.cap = grow(this.cap, a + 2)
    this.to[a] = to
    this.cap[a] = capacity
    this.next[a] = this.head[from]
    this.head[from] = a
    this.to[a + 1] = from
    this.cap[a + 1] = 0
    this.next[a + 1] = this.head[to]
    this.head[to] = a + 1
    this.arcCount += 2
    return a
  }

  /** Flow currently carried by forward arc `a`. */
  flow (a: number): number {
    return this.cap[a ^ 1]
  }

  /** Tail node of arc `a`. */
  from (a: number): number {
    return this.to[a ^ 1]
  }

  /**
   * Remove forward arc `a`, first cancelling the flow it carries: each unit
   * is taken back along a flow-carrying path from its head to the sink and
   * from the source to its tail, so the remaining flow stays valid. Call
   * `maxFlow()` afterwards to re-augment. Needs an acyclic flow (true for
   * the layered trust network).
   */
  removeArc (a: number): void {
    const units = this.flow(a)
    for (let i = 0; i < units; i++) {
      this.cancelDownstream(this.to[a])
      this.cancelUpstream(this.from(a))
    }
    this.cap[a] = 0
    this.cap[a ^ 1] = 0
  }

  private cancelDownstream (start: number): void {
    let u = start
    while (u !== this.sink) {
      let a = this.head[u]
      while (a !== -1 && ((a & 1) === 1 || this.cap[a ^ 1] === 0)) {
        a = this.next[a]
      }
      if (a === -1) {
        return
      }
      this.cap[a ^ 1] -= 1
      this.cap[a] += 1
      u = this.to[a]
    }
  }

  private cancelUpstream (start: number): void {
    let u = start
    while (u !== this.source) {
      // An odd arc at u whose twin is a forward arc into u carrying flow.
      let b = this.head[u]
      while (b !== -1 && ((b & 1) === 0 || this.cap[b] === 0)) {
        b = this.next[b]
      }
      if (b === -1) {
        return
      }
      this.cap[b] -= 1
      this.cap[b ^ 1] += 1
      u = this.to[b]
    }
  }

  private buildLevels (): boolean {
    const { level, queue, head, next, to, cap } = this
    level.fill(-1)
    level[this.source] = 0
    queue[0] = this.source
    let read = 0
    let write = 1
    while (read < write) {
      const u = queue[read++]
      for (let a = head[u]; a !== -1; a = next[a]) {
        const v = to[a]
        if (cap[a] > 0 && level[v] < 0) {
          level[v] = level[u] + 1
          queue[write++] = v
        }
      }
    }
    return level[this.sink] >= 0
  }

  /** One blocking flow on the level graph, found path by path. */
  private blockingFlow (): number {
    const { level, iter, next, to, cap } = this
    iter.set(this.head)
    const path: number[] = []
    let total = 0
    let u = this.source

    for (;;) {
      if (u === this.sink) {
        let bottleneck = INFINITE_CAPACITY
        for (const a of path) {
          if (cap[a] < bottleneck) bottleneck = cap[a]
        }
        for (const a of path) {
          cap[a] -= bottleneck
          cap[a ^ 1] += bottleneck
        }
        total += bottleneck
        path.length = 0
        u = this.source
        continue
      }

      let a = iter[u]
      while (a !== -1 && (cap[a] <= 0 || level[to[a]] !== level[u] + 1)) {
        a = next[a]
      }
      iter[u] = a
      if (a !== -1) {
        path.push(a)
        u = to[a]
        continue
      }

      // Dead end: prune u from this phase and step back.
      level[u] = -1
      if (u === this.source) {
        return total
      }
      const back = path.pop() as number
      u = this.to[back ^ 1]
      iter[u] = next[iter[u]]
    }
  }

  /** Augment the current flow to a maximum one; returns the added value. */
  maxFlow (): number {
    let added = 0
    while (this.buildLevels()) {
      added += this.blockingFlow()
    }
    return added
  }

  /** Total flow into the sink. */
  value (): number {
    let total = 0
    for (let b = this.head[this.sink]; b !== -1; b = this.next[b]) {
      if ((b & 1) === 1) total += this.cap[b]
    }
    return total
  }
}
