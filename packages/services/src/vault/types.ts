/**
 * Public types of the vault: construction options, certificate records and
 * the shapes handed to TLS servers. Dates are Date objects; the API layer
 * turns them into ISO strings.
 */
import type { Logger } from 'pino'
import type { CertificateUsage } from './cert-builder.ts'
import type { RevocationReason } from './crl.ts'
import type { CertificateStatus } from './registry.ts'

export type { CertificateUsage, CertificateStatus, RevocationReason }

/** Construction options of a Vault. Every field but `dir` is optional. */
export interface VaultInit {
  /** Folder holding the vault; created with mode 0700 when missing. */
  dir: string
  /**
   * Passphrase protecting the vault (scrypt N=2^15, r=8, p=1). Without one,
   * a random key file `master.key` (mode 0600) in `dir` protects it instead.
   */
  passphrase?: string
  /** Name of this cell, used in the CA's common name and the cell's own TLS certificate. Default `cell`. */
  name?: string
  /** SANs of the cell's own mutual-TLS certificate (see tlsOptionsFor). Default `[name]` if it is a DNS name, else `['localhost']`. */
  hostnames?: string[]
  /** Renew certificates this close to expiry, in ms. Default 30 days. */
  renewBefore?: number
  /** How often the timer of `start()` looks for due certificates, in ms. Default 6 hours. */
  renewInterval?: number
  /** Logger; a silent one by default. The vault logs through a `vault` child and never logs secrets. */
  log?: Logger
}

/** A request to issue a certificate. */
export interface IssueRequest {
  /** Subject common name, 1 to 64 characters. */
  commonName: string
  /** DNS names and IP addresses. A server certificate needs at least one; a DNS-valid common name is added when empty. */
  sans?: string[]
  /** `server`, `client` or both. Default `server`. */
  usage?: CertificateUsage | CertificateUsage[]
  /** Validity in days, 1 to 1825. Default 90. */
  days?: number
  signal?: AbortSignal
}

/** What the vault knows about an issued certificate. */
export interface CertificateInfo {
  /** Lowercase hex of the positive serial number, as `openssl x509 -serial` prints it (lowercased). */
  serial: string
  commonName: string
  /** DNS names first, then IP addresses. */
  sans: string[]
  usage: CertificateUsage[]
  notBefore: Date
  notAfter: Date
  status: CertificateStatus
  /** Name of the service credential this certificate serves, if any. */
  credential?: string
  renewedFrom?: string
  supersededBy?: string
  revokedAt?: Date
  revocationReason?: RevocationReason
}

/** A certificate with its PEM, as returned by issue and renewal. */
export interface IssuedCertificate extends CertificateInfo {
  certPem: string
  /** PKCS#8 private key. Only handed out by issue, renew and credentials; never logged. */
  keyPem: string
  /** The issuing CA, for building chains and trust stores. */
  caPem: string
}

/** Payload of the `renewed` event. */
export interface RenewedEvent {
  previous: CertificateInfo
  current: IssuedCertificate
}

/** The current CRL of the cell's CA. */
export interface CrlInfo {
  pem: string
  der: Buffer
  number: number
  thisUpdate: Date
  nextUpdate: Date
}

/** Options of `renewDue`. */
export interface RenewDueOptions {
  /** The time to judge expiry against. Default now. */
  now?: Date
  /** Renew certificates expiring within this many ms of `now`. Default the vault's renewBefore. */
  before?: number
  signal?: AbortSignal
}

/** A peer cell's CA accepted for some scopes. */
export interface PeerCa {
  cellId: string
  caPem: string
  /** SHA-256 fingerprint, colon-separated uppercase hex as node prints it. */
  fingerprint: string
  scopes: string[]
  acceptedAt: Date
  notAfter: Date
}

/** Options for tls.createServer and tls.connect alike. */
export interface VaultTlsOptions {
  key: string
  cert: string
  /** This cell's CA followed by the CAs of peers accepted for the scope. */
  ca: string[]
  requestCert: true
  rejectUnauthorized: true
  /** SNI and identity-check name when connecting; set when `serverName` was given. */
  servername?: string
}

/** Who issued a certificate presented by a peer. */
export type PeerIdentity =
  | { self: true }
  | { self: false, cellId: string, scopes: string[] }

/** Events of a Vault. */
export interface VaultEvents {
  /** A certificate was renewed (by renew, renewDue, the timer, or credentials). */
  renewed: [RenewedEvent]
  /** A certificate was revoked. */
  revoked: [CertificateInfo]
  /** A background renewal failed (not named `error`, which would throw without a listener); the timer keeps running. */
  renewalFailed: [Error]
}
