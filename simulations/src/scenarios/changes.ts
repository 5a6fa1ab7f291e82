/**
 * Trust changes the disturbance scenarios make while the network is
 * split or cells are away: new attestations of strangers and revocations
 * of trusted neighbours, each followed for delivery.
 */
import type { Graph } from '../core/topology.ts'
import type { Identity } from '../core/identities.ts'
import type { SimNetwork } from '../core/network.ts'
import type { Random } from '../core/random.ts'
import type { Followed } from './measure.ts'

export interface ChangeInit {
  network: SimNetwork
  identities: Identity[]
  graph: Graph
  random: Random
  maxDepth: number
  /** Every honest cell; all but the issuer are targets (delivery counts those that keep the issuer's records) */
  cells: number[]
}

/** `issuer` attests a cell it has no trust edge to. */
export async function attestStranger (init: ChangeInit, issuer: number): Promise<Followed> {
  const { network, identities, graph, random, cells } = init
  const strangers = cells.filter(c => c !== issuer && !graph[issuer].has(c))
  const subject = strangers.length > 0 ? random.pick(strangers) : cells.find(c => c !== issuer) ?? issuer
  const id = await network.attest(issuer, identities[subject].id, { maxDepth: init.maxDepth })
  return { id, issuer: identities[issuer].id, targets: cells.filter(c => c !== issuer) }
}

/** `issuer` revokes one of the cells it attested (a trust neighbour). */
export async function revokeNeighbour (init: ChangeInit, issuer: number): Promise<Followed> {
  const { network, identities, graph, random, cells } = init
  const neighbours = [...graph[issuer]].filter(c => cells.includes(c))
  const subject = neighbours.length > 0 ? random.pick(neighbours) : cells.find(c => c !== issuer) ?? issuer
  const id = await network.attest(issuer, identities[subject].id, { level: 'none' })
  return { id, issuer: identities[issuer].id, targets: cells.filter(c => c !== issuer) }
}
