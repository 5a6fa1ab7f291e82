/**
 * The state a network starts from: the honest trust graph (each edge of
 * the topology is a mutual attestation) and every cell's peer record,
 * signed once, and written into each cell's store as if the cell had been
 * running for a while.
 *
 * Preloading writes the store's on-disk layout (docs/trust-model.md,
 * "Store": `r!<issuer>!<seq, 16 digits>`), which TrustStore.open() reads
 * back without re-verifying signatures, as it does after a restart. Only
 * issuers inside the cell's horizon (computed with full knowledge of the
 * graph, the fixed point the agent's horizon loop reaches) are written.
 * Flooding the same state through the network would cost every cell a
 * signature check per record, which is the join scenario's business, not
 * every scenario's set-up.
 */
import { TrustEngine, sealRecord } from '@cell/trust'
import { ATTESTATION_LIFETIME } from '../constants.ts'
import { peerRecordContent } from './identities.ts'
import type { Identity } from './identities.ts'
import type { Attestation, PeerRecord, TrustDb } from '@cell/trust'

export interface Edge {
  issuer: number
  subject: number
  level: 'full' | 'marginal'
  maxDepth: number
}

export interface SignedRecord {
  seq: number
  envelope: Uint8Array
}

export interface InitialState {
  at: number
  attestations: Attestation[]
  /** Records per issuer id, in seq order */
  byIssuer: Map<string, SignedRecord[]>
}

const SEQ_DIGITS = 16

/**
 * Sign the peer records of `cells` and the attestations of `edges`, whose
 * indexes point into `cells` followed by `signers` (identities that sign
 * records but run no cell, such as Sybils).
 */
export function signInitialState (cells: Identity[], edges: Edge[], runId: string, at: number, signers: Identity[] = []): InitialState {
  const identities = [...cells, ...signers]
  const byIssuer = new Map<string, SignedRecord[]>()
  const attestations: Attestation[] = []
  const seqs = new Map<string, number>()
  const nextSeq = (id: string): number => {
    const seq = (seqs.get(id) ?? at - 1) + 1
    seqs.set(id, seq)
    return seq
  }
  const add = (id: string, record: SignedRecord): void => {
    const list = byIssuer.get(id) ?? []
    list.push(record)
    byIssuer.set(id, list)
  }

  for (const identity of cells) {
    const seq = nextSeq(identity.id)
    const record: PeerRecord = {
      ...peerRecordContent(identity, runId), cellId: identity.id, seq, issuedAt: at, notAfter: at + ATTESTATION_LIFETIME
    }
    add(identity.id, { seq, envelope: sealRecord(identity.privateKey, 'peer-record', record) })
  }
  for (const edge of edges) {
    const issuer = identities[edge.issuer]
    const seq = nextSeq(issuer.id)
    const attestation: Attestation = {
      issuer: issuer.id,
      subject: identities[edge.subject].id,
      level: edge.level,
      scopes: ['*'],
      maxDepth: edge.maxDepth,
      seq,
      notBefore: at,
      notAfter: at + ATTESTATION_LIFETIME
    }
    attestations.push(attestation)
    add(issuer.id, { seq, envelope: sealRecord(issuer.privateKey, 'attestation', attestation) })
  }
  return { at, attestations, byIssuer }
}

/** Cells inside `selfId`'s horizon when it knows every attestation. */
export function fullKnowledgeHorizon (selfId: string, state: InitialState): Set<string> {
  const engine = new TrustEngine({ selfId })
  for (const attestation of state.attestations) engine.upsert(attestation)
  const horizon = engine.horizon(state.at)
  horizon.add(selfId)
  return horizon
}

/** Write the records of `horizon`'s issuers into an unopened store database. */
export async function preloadStore (db: TrustDb, horizon: Set<string>, state: InitialState): Promise<number> {
  await db.open()
  const ops: Array<{ type: 'put', key: string, value: Uint8Array }> = []
  for (const issuer of horizon) {
    for (const record of state.byIssuer.get(issuer) ?? []) {
      ops.push({ type: 'put', key: `r!${issuer}!${String(record.seq).padStart(SEQ_DIGITS, '0')}`, value: record.envelope })
    }
  }
  if (ops.length > 0) await db.batch(ops)
  return ops.length
}

/** Mutual attestations along every edge of the topology among honest cells. */
export function mutualEdges (graph: Array<Set<number>>, honest: number, maxDepth: number): Edge[] {
  const edges: Edge[] = []
  for (let a = 0; a < honest; a++) {
    for (const b of graph[a]) if (b < honest) edges.push({ issuer: a, subject: b, level: 'full', maxDepth })
  }
  return edges
}
