/**
 * Which cell stored which tracked record when: the raw data behind
 * delivery ratios, latency percentiles and convergence curves. Only
 * records a scenario asks about are tracked, so memory stays flat however
 * many records the network carries.
 */
export interface TrackedRecord {
  label: string
  publishedAt: number
  /** Arrival time per cell index */
  arrivals: Map<number, number>
}

export class DeliveryTracker {
  private readonly records = new Map<string, TrackedRecord>()
  /** Arrivals of records not yet tracked, kept while a publish is in flight */
  private early = new Map<string, Map<number, number>>()
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
    const arrivals = this.early.get(recordId) ?? new Map<number, number>()
    this.early.delete(recordId)
    this.records.set(recordId, { label, publishedAt, arrivals })
  }

  arrived (cell: number, recordId: string, at: number): void {
    const record = this.records.get(recordId)
    if (record != null) {
      if (!record.arrivals.has(cell)) record.arrivals.set(cell, at)
    } else if (this.publishing > 0) {
      const arrivals = this.early.get(recordId) ?? new Map<number, number>()
      if (!arrivals.has(cell)) arrivals.set(cell, at)
      this.early.set(recordId, arrivals)
    }
  }

  holds (cell: number, recordId: string): boolean {
    return this.records.get(recordId)?.arrivals.has(cell) ?? false
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
