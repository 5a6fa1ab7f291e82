/**
 * The vault of a cell: encrypted secrets, the cell's CA and the trust it
 * extends to other cells' CAs. See docs/vault.md for the on-disk format.
 */
import { EventEmitter } from 'node:events'
import { X509Certificate, randomBytes } from 'node:crypto'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { AgeIdentity } from './age-identity.ts'
import { isNotFound } from './atomic-file.ts'
import { CertificateAuthority } from './certificate-authority.ts'
import {
  DEFAULT_RENEW_BEFORE_MS, DEFAULT_RENEW_INTERVAL_MS, FILES, KDF_DATA_KEY, KEY_BYTES
} from './constants.ts'
import type { RevocationReason } from './crl.ts'
import { VaultClosedError, VaultCorruptError } from './errors.ts'
import { serialFromDerHex } from './keys.ts'
import { checkCellId, checkScope, isDnsName, splitSans } from './names.ts'
import { PeerTrust } from './peer-trust.ts'
import { RenewalTimer, credentialsFor, renewDue } from './renewal.ts'
import { SecretBox } from './secret-box.ts'
import { SecretStore } from './secret-store.ts'
import { TaskQueue } from './task-queue.ts'
import type {
  CertificateInfo, CrlInfo, IssueRequest, IssuedCertificate, PeerCa, PeerIdentity, RenewDueOptions,
  RenewedEvent, VaultEvents, VaultInit, VaultTlsOptions
} from './types.ts'
import { headerExists, rewrapVault, unlockVault, writeVaultHeader } from './vault-header.ts'

/** Credential name of the cell's own mutual-TLS certificate. */
export const CELL_TLS_CREDENTIAL = 'cell-tls'

interface OpenState {
  box: SecretBox
  secrets: SecretStore
  ca: CertificateAuthority
  peers: PeerTrust
  age: AgeIdentity
}

/**
 * A vault in one directory. Call `open()` before anything else, `start()`
 * to renew certificates in the background, `close()` when done.
 */
export class Vault extends EventEmitter<VaultEvents> {
  /** The vault directory. */
  readonly dir: string
  readonly #name: string
  readonly #hostnames: string[]
  readonly #renewBefore: number
  readonly #log: Logger
  readonly #queue = new TaskQueue()
  readonly #timer: RenewalTimer
  #passphrase: string | undefined
  #state: OpenState | undefined
  #opening: Promise<void> | undefined

  constructor (init: VaultInit) {
    super()
    this.dir = init.dir
    this.#passphrase = init.passphrase
    this.#name = checkCellId(init.name ?? 'cell')
    const defaultHost = isDnsName(this.#name.toLowerCase()) ? this.#name.toLowerCase() : 'localhost'
    const sans = splitSans(init.hostnames ?? [defaultHost])
    this.#hostnames = [...sans.dns, ...sans.ip]
    this.#renewBefore = init.renewBefore ?? DEFAULT_RENEW_BEFORE_MS
    this.#log = (init.log ?? pino({ level: 'silent' })).child({ component: 'vault' })
    this.#timer = new RenewalTimer(init.renewInterval ?? DEFAULT_RENEW_INTERVAL_MS, async () => {
      await this.renewDue()
      await this.crl()
    }, this.#log)
  }

  /** Whether `open()` has completed and `close()` not yet been called. */
  get isOpen (): boolean {
    return this.#state != null
  }

  /**
   * Unlock the vault, creating it (data key, age identity, root CA) when the
   * directory holds none. A wrong passphrase throws VaultPassphraseError
   * before anything is written.
   */
  async open (): Promise<void> {
    if (this.#state != null) return
    this.#opening ??= this.#open().finally(() => { this.#opening = undefined })
    await this.#opening
  }

  async #open (): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    if (!(await headerExists(this.dir))) {
      await this.#initialize()
    }

    const box = await unlockVault(this.dir, this.#passphrase)
    try {
      await mkdir(join(this.dir, FILES.secrets), { recursive: true, mode: 0o700 })
      const internal = new SecretStore(join(this.dir, FILES.internal), box, 'internal')
      const secrets = new SecretStore(join(this.dir, FILES.secrets), box, 'secret')
      const listener = {
        renewed: (event: RenewedEvent) => { this.emit('renewed', event) },
        revoked: (info: CertificateInfo) => { this.emit('revoked', info) }
      }
      const ca = await CertificateAuthority.load(this.dir, box, internal, this.#queue, listener, this.#log)
      const age = await AgeIdentity.load(internal)
      const peers = await PeerTrust.load(this.dir, ca.caPem)
      this.#state = { box, secrets, ca, peers, age }
    } catch (err) {
      box.destroy()
      throw err
    }
    this.#log.info({ dir: this.dir, recipient: this.#state.age.recipient }, 'vault opened')
  }

  /** Create a new vault; the header is written last, so a crash leaves no half-made vault behind. */
  async #initialize (): Promise<void> {
    for (const folder of [FILES.secrets, FILES.certs]) {
      const entries = await readdir(join(this.dir, folder)).catch((err: unknown) => {
        if (isNotFound(err)) return []
        throw err
      })
      if (entries.length > 0) {
        throw new VaultCorruptError(FILES.header, `missing while ${folder}/ holds files; refusing to create a new vault over them`)
      }
    }

    const dataKey = randomBytes(KEY_BYTES)
    const box = new SecretBox(dataKey, KDF_DATA_KEY)
    try {
      await mkdir(join(this.dir, FILES.internal), { recursive: true, mode: 0o700 })
      const internal = new SecretStore(join(this.dir, FILES.internal), box, 'internal')
      await AgeIdentity.create(internal)
      await CertificateAuthority.create(this.dir, internal, `${this.#name} CA`, new Date())
      await writeVaultHeader(this.dir, dataKey, this.#passphrase)
    } finally {
      dataKey.fill(0)
      box.destroy()
    }
    this.#log.info({ dir: this.dir, passphrase: this.#passphrase != null }, 'vault created')
  }

  /** Stop the timer, let pending changes finish, and forget the keys. */
  async close (): Promise<void> {
    await this.#opening?.catch(() => {})
    await this.#timer.stop()
    await this.#queue.idle()
    this.#state?.box.destroy()
    this.#state = undefined
  }

  /** Start renewing due certificates and refreshing the CRL in the background (runs a pass now). */
  start (): void {
    this.#require()
    this.#timer.start()
  }

  /** Stop the background renewal, waiting for a pass in progress. */
  async stop (): Promise<void> {
    await this.#timer.stop()
  }

  #require (): OpenState {
    if (this.#state == null) throw new VaultClosedError()
    return this.#state
  }

  /**
   * Change how the vault is unlocked: `current` must unlock it, `next` is
   * the new passphrase (undefined switches to a key file). Secrets are not
   * re-encrypted; only the wrapped data key in vault.json changes.
   */
  async changePassphrase (current: string | undefined, next: string | undefined): Promise<void> {
    this.#require()
    await this.#queue.run(async () => { await rewrapVault(this.dir, current, next) })
    this.#passphrase = next
    this.#log.info({ passphrase: next != null }, 'vault passphrase changed')
  }

  // Secrets

  /** Store `value` under `name` (letters, digits, `._@+-`; no `..` or `/`), replacing any previous value. */
  async putSecret (name: string, value: Uint8Array): Promise<void> {
    const { secrets } = this.#require()
    await this.#queue.run(async () => { await secrets.put(name, value) })
  }

  /** The secret `name`; throws VaultSecretNotFoundError when absent. */
  async getSecret (name: string): Promise<Buffer> {
    return await this.#require().secrets.get(name)
  }

  /** Names of all secrets, sorted. */
  async listSecrets (): Promise<string[]> {
    return await this.#require().secrets.list()
  }

  /** Delete the secret `name`; returns whether it existed. */
  async deleteSecret (name: string): Promise<boolean> {
    const { secrets } = this.#require()
    return await this.#queue.run(async () => await secrets.delete(name))
  }

  // age

  /** The cell's public age recipient, `age1...`. */
  ageRecipient (): string {
    return this.#require().age.recipient
  }

  /** Decrypt an age file addressed to `ageRecipient()`. */
  async ageDecrypt (ciphertext: Uint8Array): Promise<Uint8Array> {
    return await this.#require().age.decrypt(ciphertext)
  }

  // Certificate authority

  /** The cell's root CA certificate (PEM). */
  caPem (): string {
    return this.#require().ca.caPem
  }

  /** Issue a certificate; the key is returned once and kept sealed for renewal. */
  async issue (request: IssueRequest): Promise<IssuedCertificate> {
    return await this.#require().ca.issue(request)
  }

  /** Every certificate issued, oldest first, with its status now. */
  listCertificates (now = new Date()): CertificateInfo[] {
    return this.#require().ca.list(now)
  }

  /** One certificate with its PEM (not its key). */
  async getCertificate (serial: string): Promise<CertificateInfo & { certPem: string }> {
    return await this.#require().ca.get(serial)
  }

  /** Revoke `serial` and publish a new CRL. */
  async revoke (serial: string, reason?: RevocationReason): Promise<CertificateInfo> {
    return await this.#require().ca.revoke(serial, reason)
  }

  /** Replace `serial` by a new certificate (same subject and SANs, new key and serial); emits `renewed`. */
  async renew (serial: string, options?: { days?: number, signal?: AbortSignal }): Promise<IssuedCertificate> {
    return await this.#require().ca.renew(serial, options)
  }

  /** Renew every live certificate inside the renewal window; emits `renewed` for each. */
  async renewDue (options: RenewDueOptions = {}): Promise<RenewedEvent[]> {
    const { ca } = this.#require()
    const onError = (serial: string, err: unknown): void => {
      this.#log.error({ serial, err }, 'renewal failed')
      this.emit('renewalFailed', err instanceof Error ? err : new Error(String(err)))
    }
    return await renewDue(ca, options.now ?? new Date(), options.before ?? this.#renewBefore, onError, options.signal)
  }

  /** The current CRL (signed anew when missing or past half its life). */
  async crl (now?: Date): Promise<CrlInfo> {
    return await this.#require().ca.crl(now)
  }

  /** Issue-or-reuse the certificate kept for service `name`, renewing it when due or when the request changed. */
  async credentials (name: string, request: IssueRequest, now = new Date()): Promise<IssuedCertificate> {
    return await credentialsFor(this.#require().ca, name, request, now, this.#renewBefore)
  }

  /** Issue-or-reuse a server certificate for service `name` covering `sans` (the first is the common name). */
  async serverCredentials (name: string, sans: string[], options: { days?: number } = {}): Promise<IssuedCertificate> {
    const commonName = typeof sans?.[0] === 'string' && sans[0].length <= 64 ? sans[0] : name
    return await this.credentials(name, { commonName, sans, usage: 'server', ...options })
  }

  // Trust between cells

  /** Accept `caPem` as the CA of cell `cellId` for exactly `scopes` (replaces an earlier decision). */
  async acceptPeerCa (cellId: string, caPem: string, scopes: string[]): Promise<PeerCa> {
    const { peers } = this.#require()
    const accepted = await this.#queue.run(async () => await peers.accept(cellId, caPem, scopes, new Date()))
    this.#log.info({ cellId, scopes: accepted.scopes, fingerprint: accepted.fingerprint }, 'accepted peer CA')
    return accepted
  }

  /** Stop trusting the CA of `cellId`; returns whether it was trusted. */
  async removePeerCa (cellId: string): Promise<boolean> {
    const { peers } = this.#require()
    return await this.#queue.run(async () => await peers.remove(cellId))
  }

  /** Every accepted peer CA. */
  listPeerCas (): PeerCa[] {
    return this.#require().peers.list()
  }

  /** PEMs of the peer CAs accepted for `scope`. */
  peerCaFor (scope: string): string[] {
    return this.#require().peers.forScope(scope, new Date())
  }

  /**
   * Options for tls.createServer and tls.connect between cells: the cell's
   * own server+client certificate (credential `cell-tls`, SANs from
   * `hostnames`), and as trust store our CA plus the peer CAs accepted for
   * `scope`. Both sides require and verify a certificate.
   */
  async tlsOptionsFor (options: { scope: string, serverName?: string }): Promise<VaultTlsOptions> {
    checkScope(options.scope)
    const creds = await this.credentials(CELL_TLS_CREDENTIAL, {
      commonName: this.#name, sans: this.#hostnames, usage: ['server', 'client']
    })
    return {
      key: creds.keyPem,
      cert: creds.certPem,
      ca: [creds.caPem, ...this.peerCaFor(options.scope)],
      requestCert: true,
      rejectUnauthorized: true,
      ...(options.serverName != null ? { servername: options.serverName } : {})
    }
  }

  /**
   * Who issued a certificate a peer presented (for example
   * `socket.getPeerX509Certificate()` after a handshake): this cell's CA
   * (and not revoked here), or an accepted peer CA with its scopes.
   */
  identifyPeer (certificate: X509Certificate | string | Uint8Array): PeerIdentity | undefined {
    const { ca, peers } = this.#require()
    const cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate)
    const own = new X509Certificate(ca.caPem)
    if (cert.checkIssued(own) && cert.verify(own.publicKey)) {
      const entry = ca.registry().get(serialFromDerHex(cert.serialNumber))
      return entry?.revokedAt == null ? { self: true } : undefined
    }
    return peers.issuerOf(cert)
  }
}
