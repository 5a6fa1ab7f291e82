/**
 * The simulated Internet between cells: one-way delay per message (a base
 * latency with uniform jitter), which links are up (both ends online and
 * on the same side of a partition), and what each cell sent. Both modes
 * use it, so libp2p and model runs see the same link behaviour.
 */
import { EventEmitter } from 'node:events'
import type { Random } from './random.ts'

export interface LinkInit {
  cells: number
  /** One-way latency, ms */
  latency: number
  /** Jitter as a share of the latency: 0.1 draws delays in latency ± 10 % */
  jitter: number
  random: Random
  /**
   * Whether messages and bytes are counted here (the simulated links do;
   * loopback TCP carries them past this model, so they read NaN).
   */
  countsFrames?: boolean
}

export interface Traffic {
  /** Every message on every link: gossip, control, sync, transport frames */
  messages: number
  bytes: number
  /** Gossip transmissions: a record sent whole to one peer, once (not counted across processes) */
  transmissions?: number
}

export interface LinkEvents {
  /** Links changed state; connections over links now down must close */
  changed: []
}

export class LinkModel extends EventEmitter<LinkEvents> {
  readonly latency: number
  readonly jitter: number
  private readonly random: Random
  private readonly online: boolean[]
  private group: Int32Array
  private readonly sent: Traffic[]
  /** Cells whose links are limited to a set of peers (an eclipsed cell) */
  private readonly restricted = new Map<number, Set<number>>()
  private readonly countsFrames: boolean

  constructor (init: LinkInit) {
    super()
    this.latency = init.latency
    this.jitter = init.jitter
    this.random = init.random
    this.countsFrames = init.countsFrames ?? true
    this.online = Array.from({ length: init.cells }, () => true)
    this.group = new Int32Array(init.cells)
    this.sent = Array.from({ length: init.cells }, () => ({ messages: 0, bytes: 0, transmissions: 0 }))
  }

  /** Delay of one message on a link, drawn fresh each time. */
  delay (): number {
    const spread = this.latency * this.jitter
    return Math.max(0, this.latency + spread * (2 * this.random.next() - 1))
  }

  up (a: number, b: number): boolean {
    if (this.restricted.get(a)?.has(b) === false || this.restricted.get(b)?.has(a) === false) return false
    return this.online[a] && this.online[b] && this.group[a] === this.group[b]
  }

  /** Let `cell` reach only `peers` (null lifts it): the network path an eclipse attacker controls. */
  restrict (cell: number, peers: Set<number> | null): void {
    if (peers == null) this.restricted.delete(cell)
    else this.restricted.set(cell, peers)
    this.emit('changed')
  }

  isOnline (cell: number): boolean {
    return this.online[cell]
  }

  setOnline (cell: number, online: boolean): void {
    this.online[cell] = online
    this.emit('changed')
  }

  /** Side of a partition per cell, or null to heal. */
  setPartition (group: Int32Array | null): void {
    this.group = group ?? new Int32Array(this.online.length)
    this.emit('changed')
  }

  count (from: number, bytes: number): void {
    this.sent[from].messages++
    this.sent[from].bytes += bytes
  }

  /** `from` sent `records` gossip records whole to one peer. */
  countTransmissions (from: number, records: number): void {
    this.sent[from].transmissions = (this.sent[from].transmissions ?? 0) + records
  }

  traffic (cell: number): Traffic {
    return this.countsFrames ? { ...this.sent[cell] } : { ...this.sent[cell], messages: Number.NaN, bytes: Number.NaN }
  }

  totals (): Traffic {
    const sum = this.sent.reduce((total, t) => ({
      messages: total.messages + t.messages, bytes: total.bytes + t.bytes, transmissions: (total.transmissions ?? 0) + (t.transmissions ?? 0)
    }), { messages: 0, bytes: 0, transmissions: 0 })
    return this.countsFrames ? sum : { ...sum, messages: Number.NaN, bytes: Number.NaN }
  }
}
