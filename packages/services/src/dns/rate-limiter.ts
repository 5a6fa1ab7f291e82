/**
 * Token bucket per source address. Buckets refill lazily when their source
 * is seen again, and the map is an LRU bounded at `maxSources` so a spoofed
 * flood of source addresses costs bounded memory (the evicted sources just
 * start again with a full bucket).
 */

interface Bucket {
  tokens: number
  updated: number
}

export interface RateLimiterInit {
  perSecond: number
  burst: number
  maxSources: number
  now?: () => number
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>()
  readonly #perMs: number
  readonly #burst: number
  readonly #maxSources: number
  readonly #now: () => number

  constructor (init: RateLimiterInit) {
    this.#perMs = init.perSecond / 1000
    this.#burst = init.burst
    this.#maxSources = init.maxSources
    this.#now = init.now ?? performance.now.bind(performance)
  }

  get size (): number {
    return this.#buckets.size
  }

  /** Take one token for `source`; false when its bucket is empty. */
  take (source: string): boolean {
    const now = this.#now()
    let bucket = this.#buckets.get(source)

    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxSources) {
        // Map iteration order is insertion order, and touched sources are
        // reinserted below, so the first key is the least recently seen.
        const oldest = this.#buckets.keys().next().value
        if (oldest !== undefined) this.#buckets.delete(oldest)
      }
      bucket = { tokens: this.#burst, updated: now }
    } else {
      this.#buckets.delete(source)
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updated) * this.#perMs)
      bucket.updated = now
    }
    this.#buckets.set(source, bucket)

    if (bucket.tokens < 1) {
      return false
    }
    bucket.tokens -= 1
    return true
  }
}
