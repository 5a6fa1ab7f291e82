/**
 * Sync of 10,000 records between two cells: wall time and bytes on the
 * wire for one anti-entropy session over real TCP on loopback.
 *
 * Cell A holds 10,000 attestations (100 issuers x 100 subjects), cell B
 * none. Both stores count all issuers inside their horizon, so every record
 * is accepted and stored. B runs the sync protocol as initiator against A;
 * the time is from opening the stream to B having stored the last record
 * (signature checks and LevelDB writes included). A second session right
 * after shows the cost of a sync with nothing to send (vectors only).
 *
 *   npx node bench/trust-sync.ts [runs]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from 'datastore-core'
import { Level } from 'level'
import { TrustStore, sealRecord } from '@cell/trust'
import { createCellLibp2p } from '../packages/agent/src/p2p/libp2p-node.ts'
import { SYNC_PROTOCOL } from '../packages/agent/src/trust/constants.ts'
import { syncAsInitiator, syncAsResponder } from '../packages/agent/src/trust/sync-protocol.ts'
import { median, report } from './stats.ts'

const runs = Number(process.argv[2] ?? 3)
const ISSUERS = 100
const SUBJECTS = 100
const DAY = 86_400_000

async function node (): Promise<Awaited<ReturnType<typeof createCellLibp2p>>> {
  return createCellLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    datastore: new MemoryDatastore(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    announce: [],
    bootstrap: [],
    mdns: false,
    maxConnections: 10
  })
}

async function store (dir: string, selfId: string, horizon: string[]): Promise<{ store: TrustStore, db: Level<string, Uint8Array> }> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const trust = new TrustStore({ db: db as never, selfId, maxRecordsPerIssuer: 1000 })
  await trust.open()
  await trust.setHorizon([selfId, ...horizon])
  return { store: trust, db }
}

const now = Date.now()
const issuers = await Promise.all(Array.from({ length: ISSUERS }, async () => generateKeyPair('Ed25519')))
const issuerIds = issuers.map(key => peerIdFromPrivateKey(key).toString())
const subjects = await Promise.all(Array.from({ length: SUBJECTS }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
const envelopes: Uint8Array[] = []
for (const [i, key] of issuers.entries()) {
  for (const [j, subject] of subjects.entries()) {
    envelopes.push(sealRecord(key, 'attestation', {
      issuer: issuerIds[i], subject, level: 'full', scopes: ['*'], maxDepth: 1, seq: now + j, notBefore: now - 1000, notAfter: now + DAY
    }))
  }
}

const times: number[] = []
const bytes: number[] = []
const idleBytes: number[] = []
for (let run = 0; run < runs; run++) {
  const dir = await mkdtemp(join(tmpdir(), 'cell-bench-sync-'))
  const [a, b] = [await node(), await node()]
  const sa = await store(join(dir, 'a'), a.peerId.toString(), issuerIds)
  const sb = await store(join(dir, 'b'), b.peerId.toString(), issuerIds)
  for (const envelope of envelopes) await sa.store.ingest(envelope, { now })

  await a.handle(SYNC_PROTOCOL, async stream => {
    await syncAsResponder(stream, sa.store, async envelope => { await sa.store.ingest(envelope, { now }) }, AbortSignal.timeout(120_000))
  })
  await b.dial(a.getMultiaddrs()[0])

  const ingest = async (envelope: Uint8Array): Promise<void> => { await sb.store.ingest(envelope, { now }).catch(() => {}) }
  const started = performance.now()
  const stream = await b.dialProtocol(a.peerId, SYNC_PROTOCOL)
  const result = await syncAsInitiator(stream, sb.store, ingest, AbortSignal.timeout(120_000))
  times.push(performance.now() - started)
  bytes.push(result.bytesReceived + result.bytesSent)
  if (sb.store.attestations().length !== envelopes.length) throw new Error(`B stored ${sb.store.attestations().length} of ${envelopes.length}`)

  const again = await syncAsInitiator(await b.dialProtocol(a.peerId, SYNC_PROTOCOL), sb.store, ingest, AbortSignal.timeout(120_000))
  idleBytes.push(again.bytesReceived + again.bytesSent)

  await a.stop()
  await b.stop()
  await sa.store.close(); await sa.db.close()
  await sb.store.close(); await sb.db.close()
  await rm(dir, { recursive: true, force: true })
}

const envelopeBytes = envelopes.reduce((sum, envelope) => sum + envelope.byteLength, 0)
report('trust sync, 10,000 records A -> B', [
  ['session time, ms', median(times)],
  ['records per second', envelopes.length / (median(times) / 1000)],
  ['application bytes on the wire (both ways)', median(bytes)],
  ['overhead over raw envelope bytes, %', (median(bytes) / envelopeBytes - 1) * 100],
  ['second session (nothing to send), bytes', median(idleBytes)]
], `${runs} runs, median; ${ISSUERS} issuers x ${SUBJECTS} subjects; TCP loopback, Noise + Yamux; node ${process.version}`)
