/**
 * The cell's certificate authority: issues, renews and revokes leaf
 * certificates and publishes the CRL. The CA key lives sealed in the
 * internal store; leaf keys are sealed under `certs/<serial>.sealed` next to
 * the public `certs/<serial>.pem`. Every change is serialised through the
 * vault's task queue and committed by one atomic write of the registry;
 * files written before a failed commit are orphans that nothing refers to.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import forge from 'node-forge'
import type { Logger } from 'pino'
import { PUBLIC_MODE, readBounded, writeFileAtomic } from './atomic-file.ts'
import { buildCaCertificate, buildLeafCertificate, keysMatch, toPem } from './cert-builder.ts'
import type { CaSigner } from './cert-builder.ts'
import { flatSans, normalizeRequest } from './cert-request.ts'
import type { NormalizedRequest } from './cert-request.ts'
import { BACKDATE_MS, CRL_VALIDITY_MS, DAY, FILES } from './constants.ts'
import { buildCrl } from './crl.ts'
import type { RevocationReason } from './crl.ts'
import { REVOCATION_REASONS } from './crl.ts'
import {
  VaultCertificateNotFoundError, VaultCertificateRequestError, VaultCertificateStateError, VaultCorruptError
} from './errors.ts'
import { fromPem, generateRsaKey, randomSerial } from './keys.ts'
import { Registry, isActive, statusOf } from './registry.ts'
import type { RegistryEntry } from './registry.ts'
import { SecretStore } from './secret-store.ts'
import type { SecretBox } from './secret-box.ts'
import type { TaskQueue } from './task-queue.ts'
import type { CertificateInfo, CrlInfo, IssueRequest, IssuedCertificate, RenewedEvent } from './types.ts'

const CA_KEY = 'ca-key'

/** Where the CA reports renewals and revocations. */
export interface CaListener {
  renewed: (event: RenewedEvent) => void
  revoked: (info: CertificateInfo) => void
}

/** Extra bookkeeping for one issuance. */
interface IssueContext {
  credential?: string
  supersedes?: RegistryEntry
}

/** Convert a registry entry into the public record. */
export function toInfo (entry: RegistryEntry, now: Date): CertificateInfo {
  return {
    serial: entry.serial,
    commonName: entry.commonName,
    sans: [...entry.sans],
    usage: [...entry.usage],
    notBefore: new Date(entry.notBefore),
    notAfter: new Date(entry.notAfter),
    status: statusOf(entry, now),
    ...(entry.credential != null ? { credential: entry.credential } : {}),
    ...(entry.renewedFrom != null ? { renewedFrom: entry.renewedFrom } : {}),
    ...(entry.supersededBy != null ? { supersededBy: entry.supersededBy } : {}),
    ...(entry.revokedAt != null ? { revokedAt: new Date(entry.revokedAt) } : {}),
    ...(entry.revocationReason != null ? { revocationReason: entry.revocationReason } : {})
  }
}

/** A certificate authority over one vault directory. */
export class CertificateAuthority {
  readonly #dir: string
  readonly #signer: CaSigner
  readonly #caPem: string
  readonly #registry: Registry
  readonly #keys: SecretStore
  readonly #queue: TaskQueue
  readonly #listener: CaListener
  readonly #log: Logger
  #crl: CrlInfo | undefined

  private constructor (dir: string, signer: CaSigner, caPem: string, registry: Registry, keys: SecretStore,
    queue: TaskQueue, listener: CaListener, log: Logger) {
    this.#dir = dir
    this.#signer = signer
    this.#caPem = caPem
    this.#registry = registry
    this.#keys = keys
    this.#queue = queue
    this.#listener = listener
    this.#log = log
  }

  /** Create the root CA of a new vault: key sealed in `internal`, certificate in ca.pem. */
  static async create (dir: string, internal: SecretStore, commonName: string, now: Date): Promise<void> {
    const key = await generateRsaKey()
    const cert = buildCaCertificate(randomSerial(), commonName, key, now)
    await internal.put(CA_KEY, Buffer.from(key.pem))
    await writeFileAtomic(join(dir, FILES.caCert), toPem(cert), PUBLIC_MODE)
  }

  /** Load the CA of an unlocked vault and check that its key and certificate belong together. */
  static async load (dir: string, box: SecretBox, internal: SecretStore, queue: TaskQueue,
    listener: CaListener, log: Logger): Promise<CertificateAuthority> {
    const keyPem = await internal.get(CA_KEY)
    const caPem = (await readBounded(join(dir, FILES.caCert))).toString('utf8').replace(/\r\n/g, '\n')
    let cert: forge.pki.Certificate
    try {
      cert = forge.pki.certificateFromPem(caPem)
    } catch {
      throw new VaultCorruptError(FILES.caCert, 'not a PEM certificate')
    }
    const key = fromPem(keyPem.toString('utf8'))
    if (!keysMatch(caPem, key.privateKey)) {
      throw new VaultCorruptError(FILES.caCert, 'does not match the sealed CA key')
    }

    const certsDir = join(dir, FILES.certs)
    await mkdir(certsDir, { recursive: true, mode: 0o700 })
    const registry = await Registry.load(dir)
    const keys = new SecretStore(certsDir, box, 'cert-key')
    return new CertificateAuthority(dir, { cert, privateKey: key.privateKey }, caPem, registry, keys, queue, listener, log)
  }

  /** The CA certificate in PEM. */
  get caPem (): string {
    return this.#caPem
  }

  /** When the CA certificate expires. */
  get caNotAfter (): Date {
    return this.#signer.cert.validity.notAfter
  }

  /** Issue a certificate for `request`. */
  async issue (request: IssueRequest, now = new Date(), context: IssueContext = {}): Promise<IssuedCertificate> {
    const normalized = normalizeRequest(request)
    return await this.#queue.run(async () => await this.issueLocked(normalized, now, context, request.signal))
  }

  /**
   * Issue while holding the queue. Key generation happens before anything
   * is written, so an abort or a failure leaves the vault as it was.
   */
  async issueLocked (
    request: NormalizedRequest, now: Date, context: IssueContext, signal?: AbortSignal
  ): Promise<IssuedCertificate> {
    signal?.throwIfAborted()
    const key = await generateRsaKey()
    signal?.throwIfAborted()

    let serial = randomSerial()
    while (this.#registry.get(serial) != null) serial = randomSerial()
    const caEnd = this.caNotAfter.getTime()
    const notBefore = new Date(now.getTime() - BACKDATE_MS)
    // A leaf outliving its CA would fail path validation after the CA expires (RFC 5280 6.1.3).
    const notAfter = new Date(Math.min(now.getTime() + request.days * DAY, caEnd))
    const cert = buildLeafCertificate(this.#signer, { ...request, serial, notBefore, notAfter, publicKey: key.publicKey })
    const certPem = toPem(cert)

    await this.#keys.put(serial, Buffer.from(key.pem))
    await writeFileAtomic(join(this.#dir, FILES.certs, `${serial}.pem`), certPem, PUBLIC_MODE)
    const entry: RegistryEntry = {
      serial,
      commonName: request.commonName,
      sans: flatSans(request.sans),
      usage: request.usage,
      days: request.days,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      ...(context.credential != null ? { credential: context.credential } : {}),
      ...(context.supersedes != null ? { renewedFrom: context.supersedes.serial } : {})
    }
    await this.#registry.commit(data => {
      data.certificates.push(entry)
      const old = data.certificates.find(e => e.serial === context.supersedes?.serial)
      if (old != null) old.supersededBy = serial
    })
    const { commonName, sans } = entry
    this.#log.info({ serial, commonName, sans, notAfter: entry.notAfter }, 'issued certificate')

    const issued: IssuedCertificate = { ...toInfo(entry, now), certPem, keyPem: key.pem, caPem: this.#caPem }
    if (context.supersedes != null) {
      // The replaced key is no longer needed by the vault; services keep it in memory until they reload.
      await this.#keys.delete(context.supersedes.serial)
      const previous = toInfo(this.#registry.get(context.supersedes.serial) ?? context.supersedes, now)
      this.#listener.renewed({ previous, current: issued })
    }
    return issued
  }

  /** Replace the live certificate `serial` with a new key and serial, same subject and SANs. */
  async renew (
    serial: string, options: { days?: number, now?: Date, signal?: AbortSignal } = {}
  ): Promise<IssuedCertificate> {
    return await this.#queue.run(async () => {
      const entry = this.#activeEntry(serial, 'renew')
      const request = normalizeRequest({ ...entry, days: options.days ?? entry.days })
      return await this.issueLocked(request, options.now ?? new Date(), {
        credential: entry.credential, supersedes: entry
      }, options.signal)
    })
  }

  /** Revoke `serial`; it appears in the next CRL, which is published at once. */
  async revoke (serial: string, reason: RevocationReason = 'unspecified', now = new Date()): Promise<CertificateInfo> {
    if (!Object.hasOwn(REVOCATION_REASONS, reason)) {
      throw new VaultCertificateRequestError('reason', `expected one of ${Object.keys(REVOCATION_REASONS).join(', ')}`)
    }
    return await this.#queue.run(async () => {
      const entry = this.#registry.get(serial)
      if (entry == null) throw new VaultCertificateNotFoundError(serial)
      if (entry.revokedAt != null) throw new VaultCertificateStateError(serial, 'revoked', 'revoke')

      await this.#registry.commit(data => {
        const target = data.certificates.find(e => e.serial === serial)
        if (target != null) {
          target.revokedAt = now.toISOString()
          target.revocationReason = reason
        }
      })
      await this.#keys.delete(serial)
      await this.#publishCrl(now)
      const info = toInfo(this.#registry.get(serial) ?? entry, now)
      this.#log.info({ serial, reason }, 'revoked certificate')
      this.#listener.revoked(info)
      return info
    })
  }

  /** Every certificate issued, oldest first. */
  list (now = new Date()): CertificateInfo[] {
    return this.#registry.entries().map(entry => toInfo(entry, now))
  }

  /** One certificate and its PEM (never its key). */
  async get (serial: string, now = new Date()): Promise<CertificateInfo & { certPem: string }> {
    const entry = this.#registry.get(serial)
    if (entry == null) throw new VaultCertificateNotFoundError(serial)
    const certPem = (await readBounded(join(this.#dir, FILES.certs, `${serial}.pem`))).toString('utf8')
    return { ...toInfo(entry, now), certPem }
  }

  /** The registry, for the credential and renewal logic. */
  registry (): Registry {
    return this.#registry
  }

  /** The queue every change runs through. */
  queue (): TaskQueue {
    return this.#queue
  }

  /** The sealed key of a live certificate. */
  async keyPem (serial: string): Promise<string | undefined> {
    return (await this.#keys.tryGet(serial))?.toString('utf8')
  }

  /** The current CRL; a fresh one is signed when none exists or the last one is past half its life. */
  async crl (now = new Date()): Promise<CrlInfo> {
    const current = this.#crl
    if (current != null && now.getTime() < current.thisUpdate.getTime() + CRL_VALIDITY_MS / 2) {
      return current
    }
    return await this.#queue.run(async () => await this.#publishCrl(now))
  }

  async #publishCrl (now: Date): Promise<CrlInfo> {
    // An expired certificate leaves the CRL once one CRL issued after its
    // notAfter has listed it (RFC 5280 3.3): the previous CRL did, if it was
    // issued after the expiry. Without this the CRL grows for ever.
    const previous = this.#registry.crlState().thisUpdate
    const listedAfterExpiry = (notAfter: string): boolean => previous != null && Date.parse(previous) > Date.parse(notAfter)
    const revoked = this.#registry.entries()
      .filter(e => e.revokedAt != null && !listedAfterExpiry(e.notAfter))
      .map(e => ({ serial: e.serial, revokedAt: new Date(e.revokedAt ?? 0), reason: e.revocationReason ?? 'unspecified' }))
    const number = this.#registry.crlState().number + 1
    const thisUpdate = now
    const nextUpdate = new Date(now.getTime() + CRL_VALIDITY_MS)

    // Count first: a CRL number must never be reused for different content (RFC 5280 5.2.3).
    await this.#registry.commit(data => { data.crl = { number, thisUpdate: thisUpdate.toISOString() } })
    const { der, pem } = buildCrl(this.#signer, { number, thisUpdate, nextUpdate, revoked })
    await writeFileAtomic(join(this.#dir, FILES.crl), pem, PUBLIC_MODE)
    this.#crl = { der, pem, number, thisUpdate, nextUpdate }
    this.#log.debug({ number, revoked: revoked.length }, 'published CRL')
    return this.#crl
  }

  #activeEntry (serial: string, action: string): RegistryEntry {
    const entry = this.#registry.get(serial)
    if (entry == null) throw new VaultCertificateNotFoundError(serial)
    if (!isActive(entry)) throw new VaultCertificateStateError(serial, statusOf(entry, new Date()), action)
    return entry
  }
}
