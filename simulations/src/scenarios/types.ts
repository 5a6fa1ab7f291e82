/**
 * What a scenario returns: its measurements, the series behind the plots,
 * and checks against targets, for the JSON and Markdown reports.
 */
import type { Mode } from '../core/network.ts'
import type { SimOptions } from '../core/options.ts'
import type { Progress } from '../cli/progress.ts'

export interface Check {
  name: string
  target: string
  measured: string
  pass: boolean
}

export interface SybilPoint {
  attackEdges: number
  /** Most Sybils any sampled honest viewer trusted */
  maxTrusted: number
  meanTrusted: number
  /** k × C(2): the a-priori bound for edges made by other cells */
  bound: number
  /** Share of honest cells (trusted without the attack) no longer trusted */
  wronglyRejected: number
}

export interface ScenarioResult {
  scenario: string
  mode: Mode
  /** 'libp2p: real cell cores in one process' or 'model-level ...' */
  label: string
  options: SimOptions
  startedAt: string
  /** Wall-clock time of the whole run, set-up included, ms */
  durationMs: number
  /** Network time the measured part took, ms */
  networkTimeMs: number
  metrics: Record<string, number | string | boolean | null>
  /** Delivery latencies, ms, for the CDF */
  latencies: number[]
  /** (ms after the event, share of target cells done), for the convergence plot */
  convergence: Array<[number, number]>
  sybilCurve: SybilPoint[]
  checks: Check[]
}

export interface ScenarioContext {
  options: SimOptions
  progress: Progress
}

export interface Scenario {
  name: string
  description: string
  run(context: ScenarioContext): Promise<ScenarioResult>
}
