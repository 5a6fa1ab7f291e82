/**
 * Anti-entropy sync over a libp2p stream, after Scuttlebutt's epidemic
 * broadcast trees: gossip reaches only cells that are online, so on every
 * new connection (and periodically) two cells compare, per issuer, the
 * highest seq each holds, and send each other only what the other lacks.
 * A vector lists the issuers a cell wants: those it holds records of, and
 * those of its trust horizon it holds nothing of yet (seq -1). Records of
 * issuers a peer does not list are not sent: it would only quarantine
 * them, and at hundreds of cells they were most of every session.
 *
 * Frames are length-prefixed; the first byte says what follows:
 *   0x01 vector  JSON [[issuer, highest seq, record count], ...]
 *   0x02 record  one sealed envelope
 *   0x03 end     end of this side's records
 *
 * Initiator: vector → reads records until end → sends its records → end.
 * Responder: reads vector → sends records → end → reads records until end.
 * The responder learns the initiator's needs from its vector; the
 * initiator learns the responder's from the vector sent before the end.
 *
 * Unlike a Scuttlebutt feed, a store keeps only the latest record per
 * (issuer, subject), and gossip may deliver seq 10 before seq 5, so a
 * highest seq alone does not prove a peer has everything below it. The
 * record count settles that: when the peer holds fewer records than this
 * cell holds at or below the peer's highest seq, it has a gap there, and
 * every record of that issuer is offered (duplicates are dropped on
 * arrival). A peer may hold more: old versions of records this cell holds
 * newer ones of (a re-issued peer record, a renewed attestation). Counting
 * those as a gap made every re-issue resend all of the issuer's records.
 * They can hide a real gap for one session; once the newer versions have
 * replaced them, the counts differ at the same highest seq and the next
 * session offers everything.
 */
import { lpStream } from '@libp2p/utils'
import { MAX_RECORD_BYTES } from '@cell/trust'
import { MAX_SYNC_RECORDS, MAX_VECTOR_BYTES } from './constants.ts'
import type { Stream } from '@libp2p/interface'

const VECTOR = 0x01
const RECORD = 0x02
const END = 0x03

export interface IssuerSummary {
  seq: number
  count: number
}

export type VersionVector = Map<string, IssuerSummary>

export interface SyncPeerStore {
  versionVector(): Map<string, number>
  recordsAfter(issuer: string, seq: number): Uint8Array[]
  /** Issuers whose records the cell keeps (its trust horizon) */
  horizon?(): Iterable<string>
}

/**
 * The store's highest seq per issuer with the number of records held, and
 * (-1, 0) for each issuer of its horizon it holds nothing of.
 */
export function summarise (store: SyncPeerStore): VersionVector {
  const vector: VersionVector = new Map()
  for (const [issuer, seq] of store.versionVector()) {
    vector.set(issuer, { seq, count: store.recordsAfter(issuer, -1).length })
  }
  for (const issuer of store.horizon?.() ?? []) {
    if (!vector.has(issuer)) vector.set(issuer, { seq: -1, count: 0 })
  }
  return vector
}

export interface SyncResult {
  sent: number
  received: number
  bytesSent: number
  bytesReceived: number
}

export class SyncProtocolError extends Error {
  readonly code = 'ERR_SYNC_PROTOCOL'

  constructor (message: string) {
    super(message)
    this.name = 'SyncProtocolError'
  }
}

function frame (type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 1)
  out[0] = type
  out.set(body, 1)
  return out
}

function encodeVector (vector: VersionVector): Uint8Array {
  const entries = [...vector].map(([issuer, summary]) => [issuer, summary.seq, summary.count])
  return frame(VECTOR, new TextEncoder().encode(JSON.stringify(entries)))
}

function decodeVector (body: Uint8Array): VersionVector {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new SyncProtocolError('version vector is not JSON')
  }
  if (!Array.isArray(parsed)) throw new SyncProtocolError('version vector must be an array')
  const vector: VersionVector = new Map()
  for (const entry of parsed) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0].length > 128 ||
        !Number.isSafeInteger(entry[1]) || !Number.isSafeInteger(entry[2])) {
      throw new SyncProtocolError('malformed version vector entry')
    }
    vector.set(entry[0], { seq: entry[1], count: entry[2] })
  }
  return vector
}

/** What `mine` holds that a peer with `theirs` lacks, of the issuers it lists, bounded. */
export function missingFor (store: SyncPeerStore, mine: VersionVector, theirs: VersionVector): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const [issuer, summary] of mine) {
    const their = theirs.get(issuer)
    if (their == null || (summary.seq === their.seq && summary.count === their.count)) continue

    const newer = store.recordsAfter(issuer, their.seq)
    const complete = their.count >= summary.count - newer.length
    const offer = complete ? newer : store.recordsAfter(issuer, -1)
    for (const envelope of offer) {
      out.push(envelope)
      if (out.length >= MAX_SYNC_RECORDS) return out
    }
  }
  return out
}

type Framed = ReturnType<typeof lpStream<Stream>>

async function sendRecords (lp: Framed, records: Uint8Array[], signal: AbortSignal, stats: SyncResult): Promise<void> {
  for (const envelope of records) {
    const bytes = frame(RECORD, envelope)
    stats.bytesSent += bytes.byteLength
    await lp.write(bytes, { signal })
  }
  await lp.write(Uint8Array.of(END), { signal })
  stats.sent += records.length
}

async function receiveRecords (lp: Framed, signal: AbortSignal, stats: SyncResult, ingest: (envelope: Uint8Array) => Promise<void>): Promise<void> {
  for (let count = 0; ; count++) {
    const message = (await lp.read({ signal })).subarray()
    stats.bytesReceived += message.byteLength
    if (message[0] === END) return
    if (message[0] !== RECORD) throw new SyncProtocolError(`unexpected frame type ${message[0]}`)
    if (count >= MAX_SYNC_RECORDS) throw new SyncProtocolError('peer sent more records than one session allows')
    // A bad record is the sender's problem, not a reason to stop syncing:
    // the ingest callback counts and drops it.
    await ingest(message.subarray(1))
    stats.received++
  }
}

async function readVector (lp: Framed, signal: AbortSignal, stats: SyncResult): Promise<VersionVector> {
  const message = (await lp.read({ signal })).subarray()
  stats.bytesReceived += message.byteLength
  if (message[0] !== VECTOR) throw new SyncProtocolError('expected a version vector')
  return decodeVector(message.subarray(1))
}

function framed (stream: Stream): Framed {
  return lpStream(stream, { maxDataLength: Math.max(MAX_VECTOR_BYTES, MAX_RECORD_BYTES + 1) })
}

export async function syncAsInitiator (stream: Stream, store: SyncPeerStore, ingest: (envelope: Uint8Array) => Promise<void>, signal: AbortSignal): Promise<SyncResult> {
  const stats: SyncResult = { sent: 0, received: 0, bytesSent: 0, bytesReceived: 0 }
  const lp = framed(stream)
  const mine = summarise(store)
  const vector = encodeVector(mine)
  stats.bytesSent += vector.byteLength
  await lp.write(vector, { signal })

  const theirs = await readVector(lp, signal, stats)
  await receiveRecords(lp, signal, stats, ingest)
  await sendRecords(lp, missingFor(store, mine, theirs), signal, stats)
  await stream.close({ signal })
  return stats
}

export async function syncAsResponder (stream: Stream, store: SyncPeerStore, ingest: (envelope: Uint8Array) => Promise<void>, signal: AbortSignal): Promise<SyncResult> {
  const stats: SyncResult = { sent: 0, received: 0, bytesSent: 0, bytesReceived: 0 }
  const lp = framed(stream)
  const theirs = await readVector(lp, signal, stats)

  const mine = summarise(store)
  const vector = encodeVector(mine)
  stats.bytesSent += vector.byteLength
  await lp.write(vector, { signal })
  await sendRecords(lp, missingFor(store, mine, theirs), signal, stats)
  await receiveRecords(lp, signal, stats, ingest)
  await stream.close({ signal })
  return stats
}
