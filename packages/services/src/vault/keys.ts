/**
 * RSA key generation and random serial numbers for the CA.
 *
 * Keys come from node:crypto's asynchronous generateKeyPair (OpenSSL on the
 * libuv pool). node-forge's own `pki.rsa.generateKeyPair(bits, cb)` takes
 * the same native path (checked in node-forge 1.4 lib/rsa.js), but only
 * while the process-wide `forge.options.usePureJavaScript` is false; any
 * module flipping it would silently move 2048-bit prime searches (seconds)
 * onto the event loop. Calling node:crypto directly makes the non-blocking
 * path unconditional. The private key stays a node KeyObject, because all
 * signing happens in OpenSSL too (see cert-builder.ts); forge only gets the
 * public key it writes into certificates.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import forge from 'node-forge'
import { RSA_BITS } from './constants.ts'

const generateKeyPairAsync = promisify(generateKeyPair)

/** A key pair in the forms the CA needs. */
export interface RsaKey {
  /** PKCS#8 PEM, as handed to TLS servers. */
  pem: string
  privateKey: KeyObject
  /** The public half as forge needs it for `cert.publicKey`. */
  publicKey: forge.pki.rsa.PublicKey
}

/** Generate an RSA key without blocking the event loop. */
export async function generateRsaKey (bits = RSA_BITS): Promise<RsaKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
  return {
    pem: privateKey,
    privateKey: createPrivateKey(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey
  }
}

/** Rebuild a key from its stored PKCS#8 PEM. */
export function fromPem (pem: string): RsaKey {
  const privateKey = createPrivateKey(pem)
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  return { pem, privateKey, publicKey: forge.pki.publicKeyFromPem(spki) as forge.pki.rsa.PublicKey }
}

/**
 * A random positive 128-bit serial number as lowercase hex of its magnitude
 * (the form `openssl x509 -serial` prints, lowercased). RFC 5280 4.1.2.2
 * wants positive serials of at most 20 octets; CA/Browser Forum baseline
 * requirements ask for at least 64 random bits.
 */
export function randomSerial (): string {
  const bytes = randomBytes(16)
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const hex = bytes.subarray(start).toString('hex')
  return hex === '00' ? randomSerial() : hex
}

/**
 * The serial as DER INTEGER content bytes in hex, which is what forge's
 * `cert.serialNumber` holds: a leading 00 keeps a high first bit from
 * making the number negative.
 */
export function serialToDerHex (serial: string): string {
  return Number.parseInt(serial.slice(0, 2), 16) >= 0x80 ? `00${serial}` : serial
}

/** Inverse of serialToDerHex: strip DER sign padding, lowercase. */
export function serialFromDerHex (derHex: string): string {
  let hex = derHex.toLowerCase()
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2)
  return hex
}
