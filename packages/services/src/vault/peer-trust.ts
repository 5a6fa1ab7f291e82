/**
 * CAs of other cells that this cell accepts, each for a set of scopes
 * (peers.json). The agent decides from its web of trust which cell it
 * trusts for what; the vault only records that decision and turns it into
 * trust stores: a TLS context for scope S trusts our own CA plus the CAs
 * accepted for S, and nothing else.
 *
 * Offered CA certificates are checked before they are stored: a parseable
 * X.509 certificate, basicConstraints CA, self-signed with a valid
 * signature, currently within its validity period, and not our own CA.
 */
import { X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { PUBLIC_MODE, readIfExists, writeFileAtomic } from './atomic-file.ts'
import { FILES } from './constants.ts'
import { VaultCorruptError, VaultPeerCaError } from './errors.ts'
import { ANY_SCOPE, checkCellId, checkScope, checkScopes } from './names.ts'
import type { PeerCa, PeerIdentity } from './types.ts'

const MAX_CA_PEM = 16 * 1024

const peersSchema = z.object({
  version: z.literal(1),
  peers: z.array(z.object({
    cellId: z.string().max(256),
    caPem: z.string().max(MAX_CA_PEM),
    fingerprint: z.string().max(200),
    scopes: z.array(z.string().max(256)).max(1000),
    acceptedAt: z.iso.datetime()
  }))
})

type PeerRecord = z.infer<typeof peersSchema>['peers'][number]

interface LoadedPeer extends PeerRecord {
  cert: X509Certificate
}

function parseCa (cellId: string, caPem: unknown): X509Certificate {
  if (typeof caPem !== 'string' || caPem.length > MAX_CA_PEM) {
    throw new VaultPeerCaError(cellId, `expected a PEM string of at most ${MAX_CA_PEM} characters`)
  }
  let cert: X509Certificate
  try {
    cert = new X509Certificate(caPem)
  } catch {
    throw new VaultPeerCaError(cellId, 'not a PEM X.509 certificate')
  }
  if (!cert.ca) throw new VaultPeerCaError(cellId, 'not a CA certificate (basicConstraints cA is false)')
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) {
    throw new VaultPeerCaError(cellId, 'not a self-signed root')
  }
  return cert
}

/** The accepted peer CAs of one vault. */
export class PeerTrust {
  readonly #path: string
  readonly #ownFingerprint: string
  #peers: LoadedPeer[]

  private constructor (path: string, ownFingerprint: string, peers: LoadedPeer[]) {
    this.#path = path
    this.#ownFingerprint = ownFingerprint
    this.#peers = peers
  }

  /** Load peers.json from `dir`; `ownCaPem` is this cell's CA, which is never a peer. */
  static async load (dir: string, ownCaPem: string): Promise<PeerTrust> {
    const path = join(dir, FILES.peers)
    const own = new X509Certificate(ownCaPem).fingerprint256
    const raw = await readIfExists(path)
    if (raw == null) return new PeerTrust(path, own, [])

    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      throw new VaultCorruptError(FILES.peers, 'not valid JSON')
    }
    const result = peersSchema.safeParse(parsed)
    if (!result.success) throw new VaultCorruptError(FILES.peers, result.error.issues[0]?.message ?? 'invalid')
    const peers = result.data.peers.map(record => {
      try {
        return { ...record, cert: parseCa(record.cellId, record.caPem) }
      } catch {
        throw new VaultCorruptError(FILES.peers, `CA of cell "${record.cellId.slice(0, 80)}" is unusable`)
      }
    })
    return new PeerTrust(path, own, peers)
  }

  /** Accept `caPem` as the CA of `cellId` for exactly `scopes`, replacing any earlier decision. */
  async accept (cellId: string, caPem: string, scopes: string[], now: Date): Promise<PeerCa> {
    checkCellId(cellId)
    const scopeList = checkScopes(scopes)
    const cert = parseCa(cellId, caPem)
    if (cert.fingerprint256 === this.#ownFingerprint) {
      throw new VaultPeerCaError(cellId, 'this is our own CA')
    }
    if (Date.parse(cert.validTo) <= now.getTime() || Date.parse(cert.validFrom) > now.getTime()) {
      throw new VaultPeerCaError(cellId, `not valid now (valid from ${cert.validFrom} to ${cert.validTo})`)
    }

    const record: LoadedPeer = {
      cellId, caPem: cert.toString(), fingerprint: cert.fingerprint256, scopes: scopeList, acceptedAt: now.toISOString(), cert
    }
    await this.#save([...this.#peers.filter(p => p.cellId !== cellId), record])
    return toPeerCa(record)
  }

  /** Stop trusting `cellId` for anything; returns whether it was trusted. */
  async remove (cellId: string): Promise<boolean> {
    checkCellId(cellId)
    const rest = this.#peers.filter(p => p.cellId !== cellId)
    if (rest.length === this.#peers.length) return false
    await this.#save(rest)
    return true
  }

  /** Every accepted peer CA. */
  list (): PeerCa[] {
    return this.#peers.map(toPeerCa)
  }

  /** PEMs of the CAs accepted for `scope` (or for `*`) that are still within their validity. */
  forScope (scope: string, now: Date): string[] {
    checkScope(scope)
    return this.#peers
      .filter(p => (p.scopes.includes(scope) || p.scopes.includes(ANY_SCOPE)) && Date.parse(p.cert.validTo) > now.getTime())
      .map(p => p.caPem)
  }

  /** Which accepted peer CA issued `cert`, if any (signature checked, not just names). */
  issuerOf (cert: X509Certificate): PeerIdentity | undefined {
    const peer = this.#peers.find(p => cert.checkIssued(p.cert) && cert.verify(p.cert.publicKey))
    return peer == null ? undefined : { self: false, cellId: peer.cellId, scopes: [...peer.scopes] }
  }

  async #save (peers: LoadedPeer[]): Promise<void> {
    const data = { version: 1, peers: peers.map(({ cert, ...record }) => record) }
    await writeFileAtomic(this.#path, JSON.stringify(data, null, 2) + '\n', PUBLIC_MODE)
    this.#peers = peers
  }
}

function toPeerCa (peer: LoadedPeer): PeerCa {
  return {
    cellId: peer.cellId,
    caPem: peer.caPem,
    fingerprint: peer.fingerprint,
    scopes: [...peer.scopes],
    acceptedAt: new Date(peer.acceptedAt),
    notAfter: new Date(peer.cert.validTo)
  }
}
