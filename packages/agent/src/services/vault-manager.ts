/**
 * The `vault` service: opens the cell's vault (secrets, CA, age identity)
 * in `<dataDir>/vault` and runs its renewal timer.
 *
 * A vault that will not unlock (wrong or missing passphrase) fails this
 * service only, with the vault's own message; the vault library refuses
 * before writing anything, so a failed start leaves the directory exactly
 * as it was. The rest of the cell keeps running.
 */
import { X509Certificate } from 'node:crypto'
import { Vault, VaultPassphraseError } from '@cell/services'
import { MINUTE } from '../constants.ts'
import { CellError, ServiceNotRunningError, VaultLockedError } from '../errors.ts'
import { PASSPHRASE_ENV, resolvePassphrase } from './vault-passphrase.ts'
import type { PassphraseSource } from './vault-passphrase.ts'
import type { ServiceManager, HealthReport } from '../bus/manager.ts'
import type { RenewedEvent } from '@cell/services'
import type { Logger } from 'pino'

const DAY = 24 * 60 * MINUTE

export interface VaultSettings {
  passphraseFile?: string
  renewBeforeDays: number
  renewIntervalMinutes: number
}

export interface VaultManagerInit {
  /** The vault directory, `<dataDir>/vault` */
  dir: string
  /** The cell's name, for the CA's common name and the cell's own TLS certificate */
  name(): string
  settings(): VaultSettings
  /** The manager's own logger (component `vault`) */
  log: Logger
  /** Logger handed to the library, which adds its own `vault` component */
  libraryLog: Logger
  env?: NodeJS.ProcessEnv
}

export class VaultManager implements ServiceManager {
  readonly name = 'vault'
  readonly dependencies = [] as const
  private readonly init: VaultManagerInit
  private current?: Vault
  private source: PassphraseSource = 'none'
  private lockedReason?: string
  private readonly renewedListeners = new Set<(event: RenewedEvent) => void>()

  constructor (init: VaultManagerInit) {
    this.init = init
  }

  /** The open vault; throws VaultLockedError when it would not unlock, ServiceNotRunningError when stopped. */
  get vault (): Vault {
    if (this.current != null) return this.current
    if (this.lockedReason != null) throw new VaultLockedError(this.lockedReason)
    throw new ServiceNotRunningError('vault')
  }

  async start (signal: AbortSignal): Promise<void> {
    const settings = this.init.settings()
    const { passphrase, source } = await resolvePassphrase(settings.passphraseFile, this.init.env)
    this.source = source
    signal.throwIfAborted()

    const name = this.init.name()
    const vault = new Vault({
      dir: this.init.dir,
      passphrase,
      name,
      hostnames: [`${name}.cell`],
      renewBefore: settings.renewBeforeDays * DAY,
      renewInterval: settings.renewIntervalMinutes * MINUTE,
      log: this.init.libraryLog
    })
    vault.on('renewed', event => {
      this.init.log.info({ serial: event.current.serial, previous: event.previous.serial, credential: event.current.credential }, 'certificate renewed')
      for (const listener of this.renewedListeners) listener(event)
    })
    vault.on('renewalFailed', err => { this.init.log.error({ err }, 'certificate renewal failed') })

    try {
      await vault.open()
    } catch (err) {
      if (!(err instanceof VaultPassphraseError)) throw err
      this.lockedReason = `${err.message}. The agent reads the passphrase from $${PASSPHRASE_ENV} or the file named by config vault.passphraseFile`
      this.init.log.error({ dir: this.init.dir, passphrase: source }, 'vault did not unlock: %s', err.message)
      throw new CellError(this.lockedReason, err.code, 423, { cause: err })
    }
    this.lockedReason = undefined
    this.current = vault
    vault.start()
    this.init.log.info({ dir: this.init.dir, passphrase: source }, 'vault open')
  }

  async stop (): Promise<void> {
    const vault = this.current
    this.current = undefined
    await vault?.close()
  }

  /**
   * Called on every renewal of any certificate (services holding a
   * credential swap their TLS context); survives restarts of the service.
   */
  onRenewed (listener: (event: RenewedEvent) => void): () => void {
    this.renewedListeners.add(listener)
    return () => { this.renewedListeners.delete(listener) }
  }

  status (): Record<string, unknown> {
    const base = { dir: this.init.dir, unlock: this.source === 'none' ? 'key-file' : 'passphrase', passphraseSource: this.source }
    const vault = this.current
    if (vault == null) {
      return { ...base, locked: true, ...(this.lockedReason != null ? { reason: this.lockedReason } : {}) }
    }

    const ca = new X509Certificate(vault.caPem())
    const counts: Record<string, number> = { valid: 0, expired: 0, superseded: 0, revoked: 0 }
    for (const certificate of vault.listCertificates()) {
      counts[certificate.status] = (counts[certificate.status] ?? 0) + 1
    }
    return {
      ...base,
      locked: false,
      ca: { subject: ca.subject, fingerprint256: ca.fingerprint256, notBefore: new Date(ca.validFrom).toISOString(), notAfter: new Date(ca.validTo).toISOString() },
      certificates: counts,
      ageRecipient: vault.ageRecipient(),
      peerCas: vault.listPeerCas().length
    }
  }

  async health (): Promise<HealthReport> {
    const vault = this.current
    if (vault == null) return { healthy: false, details: { reason: this.lockedReason ?? 'not open' } }
    const notAfter = new Date(new X509Certificate(vault.caPem()).validTo)
    const caDaysLeft = Math.floor((notAfter.getTime() - Date.now()) / DAY)
    return { healthy: caDaysLeft > 0, details: { caDaysLeft } }
  }
}
