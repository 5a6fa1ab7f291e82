/**
 * Which cell stored which tracked record when: the raw data behind
 * delivery ratios, latency percentiles and convergence curves. Only
 * records a scenario asks about are tracked, so memory stays flat however
 * many records the network carries.
 */
export interface TrackedRecord {
  label: string
  publishedAt: number
  /** Arrival time per cell index, at cells that keep the record */
  arrivals: Map<number, number>
  /**
   * Cells the record reached at all: those that keep it and those that
   * only relay it (the issuer is outside their horizon, so the store
   * quarantines it). Gossip amplification is counted against these.
   */
  reached: Set<number>
}

interface EarlyRecord {
  arrivals: Map<number, number>
  reached: Set<number>
}

export class DeliveryTracker {
  private readonly records = new Map<string, TrackedRecord>()
  /** Arrivals of records not yet tracked, kept while a publish is in flight */
  private early = new Map<string, EarlyRecord>()
  private publishing = 0

  /**
   * A record is about to be published whose id is known only afterwards:
   * keep arrivals of unknown records until `track` names it and `endPublish` runs.
   */
  beginPublish (): void {
    this.publishing++
  }

  endPublish (): void {
    this.publishing = Math.max(0, this.publishing - 1)
    if (this.publishing === 0) this.early = new Map()
  }

  track (recordId: string, publishedAt: number, label = recordId.slice(0, 8)): void {
    if (this.records.has(recordId)) return
    const early = this.early.get(recordId) ?? { arrivals: new Map<number, number>(), reached: new Set<number>() }
    this.early.delete(recordId)
    this.records.set(recordId, { label, publishedAt, ...early })
  }

  /** A cell received a record; `kept` when it stored it in its log, not only in the quarantine. */
  arrived (cell: number, recordId: string, at: number, kept = true): void {
    let record: EarlyRecord | undefined = this.records.get(recordId)
    if (record == null && this.publishing > 0) {
      record = this.early.get(recordId) ?? { arrivals: new Map<number, number>(), reached: new Set<number>() }
      this.early.set(recordId, record)
    }
    if (record == null) return
    record.reached.add(cell)
    if (kept && !record.arrivals.has(cell)) record.arrivals.set(cell, at)
  }

  holds (cell: number, recordId: string): boolean {
    return this.records.get(recordId)?.arrivals.has(cell) ?? false
  }

  /** How many cells a record reached, kept or relayed only. */
  reachedCount (recordId: string): number {
    return this.records.get(recordId)?.reached.size ?? 0
  }

  get (recordId: string): TrackedRecord | undefined {
    return this.records.get(recordId)
  }

  /** Delivery latencies (ms after publishing) at `cells`, for cells that hold it. */
  latencies (recordId: string, cells: Iterable<number>): number[] {
    const record = this.records.get(recordId)
    if (record == null) return []
    const out: number[] = []
    for (const cell of cells) {
      const at = record.arrivals.get(cell)
      if (at != null) out.push(at - record.publishedAt)
    }
    return out
  }
}
