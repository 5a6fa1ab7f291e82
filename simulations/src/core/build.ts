/**
 * Builds a network for a scenario: seeded identities and topology, the
 * links, the signed initial state, and the cells in the chosen mode.
 */
import { randomBytes } from 'node:crypto'
import { START_STATE_AGE } from '../constants.ts'
import { ModelNetwork } from '../model/model-network.ts'
import { Libp2pNetwork } from '../libp2p/libp2p-network.ts'
import { ProcessNetwork } from '../processes/process-network.ts'
import { assertProcessesBuild, assertProcessesRun, assertTcpRun } from '../processes/support.ts'
import { createIdentities } from './identities.ts'
import { mutualEdges, signInitialState } from './initial-state.ts'
import { LinkModel } from './links.ts'
import { Random } from './random.ts'
import { buildTopology } from './topology.ts'
import type { Edge } from './initial-state.ts'
import type { Identity } from './identities.ts'
import type { SimNetwork } from './network.ts'
import type { SimOptions } from './options.ts'
import type { Graph } from './topology.ts'

export interface BuildInit {
  /** Honest cells (default options.cells) */
  honest?: number
  /** Attacker cells, appended after the honest ones */
  attackers?: number
  /** Identities that sign records but run no cell (Sybils), indexed after the cells */
  signers?: number
  /** Whether every topology edge among honest cells is a mutual attestation (default true) */
  trustTopology?: boolean
  /** Cells whose links start down (they come online later) */
  offline?: number[]
  /** Adds attacker links and edges to the honest topology */
  extend?(graph: Graph, honest: number, random: Random): Edge[]
  onProgress?(done: number, total: number, phase?: string): void
}

export interface Built {
  network: SimNetwork
  identities: Identity[]
  signers: Identity[]
  graph: Graph
  honest: number
  random: Random
}

export async function buildNetwork (options: SimOptions, init: BuildInit = {}): Promise<Built> {
  const random = new Random(options.seed)
  const honest = init.honest ?? options.cells
  const attackers = init.attackers ?? 0
  if (options.transport === 'tcp') assertTcpRun(options.mode, options.scenario)
  if (options.mode === 'processes') {
    assertProcessesRun(options.scenario, honest)
    assertProcessesBuild({ cells: honest, attackers, signers: init.signers ?? 0, trustTopology: init.trustTopology ?? true, offline: init.offline?.length ?? 0, extended: init.extend != null })
  }
  const identities = [
    ...await createIdentities(options.seed, 'honest', honest),
    ...await createIdentities(options.seed, 'attacker', attackers, honest)
  ]
  const graph: Graph = buildTopology(options.topology, honest, options.degree, random.fork())
  for (let i = 0; i < attackers; i++) graph.push(new Set())
  const trusted = init.trustTopology ?? true
  const edges = [...trusted ? mutualEdges(graph, honest, options.maxDepth) : [], ...init.extend?.(graph, honest, random.fork()) ?? []]

  const signers = await createIdentities(options.seed, 'sybil', init.signers ?? 0)
  const runId = randomBytes(4).toString('hex')
  const state = signInitialState(identities, edges, runId, Date.now() - START_STATE_AGE, signers)
  const links = new LinkModel({ cells: identities.length, latency: options.latency, jitter: options.jitter, random: random.fork(), countsFrames: options.transport !== 'tcp' })
  for (const cell of init.offline ?? []) links.setOnline(cell, false)
  const networkInit = { identities, graph, links, state, runId, random: random.fork(), syncInterval: options.syncInterval, dht: options.dht, transport: options.transport, onProgress: init.onProgress }
  const network = options.mode === 'model'
    ? await ModelNetwork.create(networkInit)
    : options.mode === 'processes' ? await ProcessNetwork.create(networkInit) : await Libp2pNetwork.create(networkInit)
  return { network, identities, signers, graph, honest, random }
}
