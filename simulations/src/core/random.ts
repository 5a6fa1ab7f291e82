/**
 * A seeded pseudo-random generator, so every run with the same --seed
 * builds the same topology and schedule. mulberry32 is hand-written
 * because it is eight lines and no installed library offers a seedable
 * generator; it is fast and statistically adequate for simulation choices
 * (never for keys: those come from SHA-256 of the seed, see identities.ts).
 */
export class Random {
  private state: number

  constructor (seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform integer in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T> (items: readonly T[]): T {
    return items[this.int(items.length)]
  }

  /** A new array in random order (Fisher-Yates). */
  shuffle<T> (items: readonly T[]): T[] {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = out[i]
      out[i] = out[j]
      out[j] = tmp
    }
    return out
  }

  /** `count` distinct indexes out of [0, n). */
  sample (n: number, count: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.min(count, n))
  }

  /** An independent generator derived from this one, for one sub-task. */
  fork (): Random {
    return new Random(Math.floor(this.next() * 4294967296))
  }
}
