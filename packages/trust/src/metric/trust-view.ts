/**
 * The public face of one computed view.
 */
import { explain } from './explain.ts'
import type { Explanation } from './explain.ts'
import type { AttestationGraph } from './graph.ts'
import type { FlowState } from './flow-state.ts'
import type { TrustEntry } from './view.ts'
import type { Scope } from '../records/types.ts'

export class TrustView {
  /** Scope the view was computed for */
  readonly scope: Scope
  /** Time (ms) the view holds for */
  readonly at: number
  /** Trusted cells (this cell itself is not listed) */
  readonly entries: ReadonlyMap<string, TrustEntry>
  /** Total flow: the number of cells trusted through the network */
  readonly flow: number
  private readonly graph: AttestationGraph
  private readonly state: FlowState
  private readonly version: number
  private readonly refresh: () => TrustView

  constructor (graph: AttestationGraph, state: FlowState, scope: Scope, entries: Map<string, TrustEntry>, at: number, refresh: () => TrustView) {
    this.graph = graph
    this.state = state
    this.scope = scope
    this.at = at
    this.entries = entries
    this.flow = state.network.value()
    this.version = state.version
    this.refresh = refresh
  }

  has (cellId: string): boolean {
    return this.entries.has(cellId)
  }

  get (cellId: string): TrustEntry | undefined {
    return this.entries.get(cellId)
  }

  /**
   * Why `cellId` is trusted (chains and flow) or not (the reason that
   * stopped it). Answers from the engine's current state: if the engine
   * changed since this view was taken, a fresh view at the same time is used.
   */
  explain (cellId: string): Explanation {
    if (this.graph.version !== this.version) {
      return this.refresh().explain(cellId)
    }
    return explain(this.graph, this.state, this.entries, cellId, this.scope)
  }

  /** Whether this view was computed from `state` as it stands now. */
  isCurrentFor (state: FlowState): boolean {
    return this.state === state && this.version === state.version
  }
}
