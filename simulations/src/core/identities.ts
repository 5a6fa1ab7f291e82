/**
 * Seeded cell identities: the Ed25519 key of cell i is derived from
 * SHA-256 of the run's seed, a role label and i, so the same --seed gives
 * the same cell ids (and so the same gossip message ids and tie-breaks).
 */
import { createHash } from 'node:crypto'
import { deriveOverlayAddresses } from '@cell/trust'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerRecordContent } from '@cell/agent'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export type Role = 'honest' | 'attacker' | 'sybil'

export interface Identity {
  index: number
  id: string
  role: Role
  privateKey: Ed25519PrivateKey
  /** WireGuard public key in the cell's peer record (base64, 32 bytes) */
  wgPublicKey: string
}

function seedBytes (seed: number, label: string, index: number): Uint8Array {
  return createHash('sha256').update(`pic-sim:${seed}:${label}:${index}`).digest()
}

export async function createIdentity (seed: number, role: Role, index: number): Promise<Identity> {
  const privateKey = await generateKeyPairFromSeed('Ed25519', seedBytes(seed, role, index))
  return {
    index,
    id: peerIdFromPrivateKey(privateKey).toString(),
    role,
    privateKey,
    wgPublicKey: Buffer.from(seedBytes(seed, `wg-${role}`, index)).toString('base64')
  }
}

export async function createIdentities (seed: number, role: Role, count: number, offset = 0): Promise<Identity[]> {
  const out: Identity[] = []
  for (let i = 0; i < count; i++) out.push(await createIdentity(seed, role, offset + i))
  return out
}

/** The memory address cell `index` listens on. */
export function memoryAddress (runId: string, index: number): string {
  return `/memory/${runId}-cell-${index}`
}

/** What a simulated cell puts in its peer record. */
export function peerRecordContent (identity: Identity, runId: string): PeerRecordContent {
  const octet = (n: number): number => n % 250 + 1
  return {
    name: `cell-${identity.index}`,
    multiaddrs: [memoryAddress(runId, identity.index)],
    wgPublicKey: identity.wgPublicKey,
    // Documentation range (RFC 5737): nothing is ever sent there.
    wgEndpoints: [`198.51.${octet(identity.index >> 8)}.${octet(identity.index)}:51820`],
    overlay: deriveOverlayAddresses(identity.privateKey.publicKey.raw),
    services: [],
    advertisedPrefixes: []
  }
}
