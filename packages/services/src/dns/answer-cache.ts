/**
 * Encoded authoritative answers, keyed by the query bytes after the id.
 *
 * Most traffic is the same few questions asked again and again; replaying
 * the encoded answer skips both dns-packet decode and encode, which is what
 * brings the server near dnsmasq's throughput (bench/dns-perf.ts). Entries
 * belong to one zone serial: the first lookup after a zone change empties
 * the cache, so an answer never outlives the data it came from.
 *
 * Only the two id bytes of a cached answer are rewritten by hand: dns-packet
 * has no in-place edit, and re-encoding is the very cost being avoided.
 */
import type { RcodeName } from './wire.ts'

export interface CachedAnswer {
  message: Buffer
  rcode: RcodeName
  truncated: boolean
}

const ID_BYTES = 2

/** Bigger queries or answers are not cached, so the cache stays a few MB. */
const MAX_CACHED_QUERY = 512
const MAX_CACHED_ANSWER = 1232

export class AnswerCache {
  readonly #entries = new Map<string, CachedAnswer>()
  readonly #maxEntries: number
  #serial = -1

  constructor (maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  get size (): number {
    return this.#entries.size
  }

  /** The key of a query: everything the answer depends on besides the zone. */
  static key (query: Buffer, variant: string): string {
    return variant + query.toString('latin1', ID_BYTES)
  }

  get (key: string, serial: number): CachedAnswer | undefined {
    if (serial !== this.#serial) {
      this.#entries.clear()
      this.#serial = serial
      return undefined
    }
    return this.#entries.get(key)
  }

  set (key: string, serial: number, answer: CachedAnswer): void {
    if (key.length > MAX_CACHED_QUERY || answer.message.length > MAX_CACHED_ANSWER) return
    if (serial !== this.#serial) {
      this.#entries.clear()
      this.#serial = serial
    }
    // A flood of distinct questions just empties the cache; that is cheaper
    // than LRU bookkeeping on every hit and still bounds memory.
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear()
    this.#entries.set(key, answer)
  }

  /** A copy of the cached answer carrying the query's id. */
  static replay (answer: CachedAnswer, query: Buffer): Buffer {
    const reply = Buffer.allocUnsafe(answer.message.length)
    answer.message.copy(reply)
    query.copy(reply, 0, 0, ID_BYTES)
    return reply
  }
}
