/**
 * Defaults and fixed parameters of the vault. Anything that ends up on disk
 * (magic, labels, file names) is part of the storage format: changing it
 * needs a format version bump, see docs/vault.md.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** One day in milliseconds. */
export const DAY = 24 * HOUR

/** scrypt cost for new vaults: N = 2^15, r = 8, p = 1 needs 32 MiB and ~100 ms. */
export const SCRYPT_N = 2 ** 15
export const SCRYPT_R = 8
export const SCRYPT_P = 1

/**
 * Bounds accepted when reading scrypt parameters back from vault.json, so a
 * hostile header cannot ask for gigabytes of memory or hours of work.
 */
export const SCRYPT_MAX_N = 2 ** 20
export const SCRYPT_MIN_N = 2 ** 14
export const SCRYPT_MAX_R = 8
export const SCRYPT_MAX_P = 4

/** Memory cap handed to node's scrypt; must exceed 128 * N * r. */
export const SCRYPT_MAX_MEMORY = 1024 * 1024 * 1024 + 64 * 1024 * 1024

/** Sealed-blob header: magic "PICV", version, kdf id, 16-byte salt, 12-byte nonce. */
export const SEALED_MAGIC = Uint8Array.from([0x50, 0x49, 0x43, 0x56])
export const SEALED_VERSION = 1
export const SEALED_SALT_BYTES = 16
export const SEALED_NONCE_BYTES = 12
export const SEALED_TAG_BYTES = 16
export const SEALED_HEADER_BYTES = 4 + 1 + 1 + SEALED_SALT_BYTES + SEALED_NONCE_BYTES

/** kdf ids of the sealed header: which key a blob's subkey was derived from. */
export const KDF_SCRYPT = 1
export const KDF_KEY_FILE = 2
export const KDF_DATA_KEY = 3

/** HKDF info string for per-blob subkeys. */
export const SUBKEY_INFO = 'pic-vault v1 aes-256-gcm'

/** Length of the data key, the key-file key and every AES key. */
export const KEY_BYTES = 32

/** Largest secret `putSecret` accepts. */
export const MAX_SECRET_BYTES = 1024 * 1024

/** Largest vault file read back (certificates, registry, sealed blobs). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024

/** File and folder names under the vault directory. */
export const FILES = {
  header: 'vault.json',
  keyFile: 'master.key',
  caCert: 'ca.pem',
  crl: 'crl.pem',
  registry: 'certificates.json',
  peers: 'peers.json',
  internal: 'internal',
  certs: 'certs',
  secrets: 'secrets'
} as const

/** RSA modulus for the CA and issued keys (node-forge cannot sign ECDSA certificates). */
export const RSA_BITS = 2048

/** Validity of the root CA. */
export const CA_VALIDITY_DAYS = 10 * 365

/** Default and maximum validity of issued certificates. */
export const DEFAULT_CERT_DAYS = 90
export const MAX_CERT_DAYS = 5 * 365

/** notBefore is backdated by this much to tolerate clock skew between cells. */
export const BACKDATE_MS = 5 * MINUTE

/** Renew certificates whose notAfter is closer than this. */
export const DEFAULT_RENEW_BEFORE_MS = 30 * DAY

/** How often the timer started by `start()` looks for due certificates. */
export const DEFAULT_RENEW_INTERVAL_MS = 6 * HOUR

/** A CRL is valid this long (RFC 5280 5.1.2.5 nextUpdate) and refreshed at half-life. */
export const CRL_VALIDITY_MS = 7 * DAY

/** Upper bounds for names and lists taken from callers or peers. */
export const MAX_NAME_LENGTH = 128
export const MAX_SANS = 100
export const MAX_SCOPES = 32
export const MAX_COMMON_NAME_LENGTH = 64
