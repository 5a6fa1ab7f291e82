/**
 * Cell ids are libp2p PeerId strings of Ed25519 keys (`12D3KooW...`). The
 * public key is embedded in the id (identity multihash), so a record can be
 * checked against its issuer without any lookup.
 */
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import type { PublicKey } from '@libp2p/interface'

/** Parsed ids, kept so hot paths (gossip, store load) parse each id once. */
const cache = new Map<string, Uint8Array | null>()
const CACHE_LIMIT = 50_000

function parse (id: string): Uint8Array | null {
  try {
    const peerId = peerIdFromString(id)

    // Only the canonical base58btc form counts: a CID spelling of the same
    // key would give one cell two ids.
    if (peerId.type !== 'Ed25519' || peerId.toString() !== id) {
      return null
    }
    return peerId.publicKey.raw
  } catch {
    return null
  }
}

/** The raw 32-byte Ed25519 key of a cell id, or null if `id` is not one. */
export function cellPublicKeyRaw (id: string): Uint8Array | null {
  let raw = cache.get(id)
  if (raw === undefined) {
    raw = parse(id)
    if (cache.size >= CACHE_LIMIT) {
      cache.clear()
    }
    cache.set(id, raw)
  }
  return raw
}

/** Whether `id` is the canonical id of an Ed25519 cell key. */
export function isCellId (id: string): boolean {
  return cellPublicKeyRaw(id) != null
}

/** The cell id of a public key. */
export function cellIdFromPublicKey (publicKey: PublicKey): string {
  return peerIdFromPublicKey(publicKey).toString()
}
