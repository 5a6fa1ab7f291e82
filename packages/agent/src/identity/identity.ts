/**
 * A cell's long-lived secrets: its Ed25519 identity key (its libp2p PeerId
 * is the cell id), its WireGuard X25519 key pair and the API token. Created
 * once on first start, kept as mode-0600 files, reused on every restart.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { DataDirError } from '../errors.ts'
import { writeFileAtomic } from '../util/atomic-file.ts'
import type { DataPaths } from '../paths.ts'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'

export interface WireGuardKeyPair {
  /** base64 of the 32-byte X25519 private key, as `wg` expects it */
  privateKey: string
  /** base64 of the 32-byte X25519 public key */
  publicKey: string
}

export interface CellIdentity {
  privateKey: Ed25519PrivateKey
  peerId: PeerId
  /** The cell id: the PeerId as a string */
  cellId: string
  wireguard: WireGuardKeyPair
  apiToken: string
}

const SECRET_MODE = 0o600

// PKCS#8 prefix of an X25519 private key; the last 32 bytes are the raw key.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function loadOrCreate (path: string, create: () => Promise<Uint8Array | string>): Promise<Buffer> {
  if (await exists(path)) {
    return readFile(path)
  }
  const data = await create()
  await writeFileAtomic(path, data, { mode: SECRET_MODE })
  return readFile(path)
}

/** Derive the public half of a base64 X25519 private key. */
export function wireguardPublicKey (privateKeyBase64: string): string {
  const raw = Buffer.from(privateKeyBase64, 'base64')
  if (raw.length !== 32) {
    throw new DataDirError('WireGuard private key must be 32 bytes of base64')
  }
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  return spki.subarray(spki.length - 32).toString('base64')
}

/** Generate a fresh WireGuard key pair (used at init and on key rotation). */
export function generateWireguardKeyPair (): WireGuardKeyPair {
  const { privateKey } = generateKeyPairSync('x25519')
  const der = privateKey.export({ format: 'der', type: 'pkcs8' })
  const privateBase64 = der.subarray(der.length - 32).toString('base64')
  return { privateKey: privateBase64, publicKey: wireguardPublicKey(privateBase64) }
}

export async function loadOrCreateIdentity (paths: DataPaths): Promise<CellIdentity> {
  const identityBytes = await loadOrCreate(paths.identityKey, async () => {
    return privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  })
  let privateKey
  try {
    privateKey = privateKeyFromProtobuf(identityBytes)
  } catch (err) {
    throw new DataDirError(`Identity key ${paths.identityKey} is unreadable; restore it from a backup`, { cause: err })
  }
  if (privateKey.type !== 'Ed25519') {
    throw new DataDirError(`Identity key ${paths.identityKey} is ${privateKey.type}, expected Ed25519`)
  }

  const wireguardPrivate = (await loadOrCreate(paths.wireguardKey, async () => {
    return `${generateWireguardKeyPair().privateKey}\n`
  })).toString('utf8').trim()

  const apiToken = (await loadOrCreate(paths.apiToken, async () => {
    return `${randomBytes(32).toString('hex')}\n`
  })).toString('utf8').trim()

  const peerId = peerIdFromPrivateKey(privateKey)
  return {
    privateKey,
    peerId,
    cellId: peerId.toString(),
    wireguard: { privateKey: wireguardPrivate, publicKey: wireguardPublicKey(wireguardPrivate) },
    apiToken
  }
}

/** Replace the WireGuard key pair on disk (key rotation). */
export async function storeWireguardKey (paths: DataPaths, keyPair: WireGuardKeyPair): Promise<void> {
  await writeFileAtomic(paths.wireguardKey, `${keyPair.privateKey}\n`, { mode: SECRET_MODE })
}
