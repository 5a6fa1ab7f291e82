/**
 * Keeping certificates fresh: which certificates are due, renewing them,
 * issue-or-reuse of service credentials, and the background timer.
 *
 * A certificate is due when its remaining lifetime drops below the renewal
 * window, capped at a third of its total lifetime: a 10-day certificate with
 * a 30-day window would otherwise be renewed on every pass, forever.
 */
import type { Logger } from 'pino'
import { normalizeRequest, sameSubject } from './cert-request.ts'
import type { CertificateAuthority } from './certificate-authority.ts'
import { checkCredentialName } from './names.ts'
import { isActive } from './registry.ts'
import type { RegistryEntry } from './registry.ts'
import type { IssueRequest, IssuedCertificate, RenewedEvent } from './types.ts'

/** Whether `entry` should be renewed at `now` with a window of `before` ms. */
export function isDue (entry: RegistryEntry, now: Date, before: number): boolean {
  const notBefore = Date.parse(entry.notBefore)
  const notAfter = Date.parse(entry.notAfter)
  const window = Math.min(before, (notAfter - notBefore) / 3)
  return notAfter - now.getTime() < window
}

/**
 * Renew every live certificate that is due. One failure does not stop the
 * others: it is passed to `onError` and the pass goes on.
 */
export async function renewDue (
  ca: CertificateAuthority, now: Date, before: number, onError: (serial: string, err: unknown) => void, signal?: AbortSignal
): Promise<RenewedEvent[]> {
  const due = ca.registry().entries().filter(entry => isActive(entry) && isDue(entry, now, before))
  const renewed: RenewedEvent[] = []
  for (const entry of due) {
    signal?.throwIfAborted()
    try {
      const current = await ca.renew(entry.serial, { now, signal })
      const previous = ca.list(now).find(info => info.serial === entry.serial)
      if (previous != null) renewed.push({ previous, current })
    } catch (err) {
      if (signal?.aborted === true) throw err
      onError(entry.serial, err)
    }
  }
  return renewed
}

/**
 * Issue-or-reuse the certificate kept for service `name`. The stored one is
 * reused while it matches the request and is not due; otherwise a new one
 * replaces it (announced as a renewal, so TLS services reload).
 */
export async function credentialsFor (
  ca: CertificateAuthority, name: string, request: IssueRequest, now: Date, before: number
): Promise<IssuedCertificate> {
  checkCredentialName(name)
  const wanted = normalizeRequest(request)

  return await ca.queue().run(async () => {
    const existing = ca.registry().credential(name)
    if (existing != null && !isDue(existing, now, before) && sameSubject(normalizeRequest(existing), wanted)) {
      const keyPem = await ca.keyPem(existing.serial)
      if (keyPem != null) {
        const { certPem, ...info } = await ca.get(existing.serial, now)
        return { ...info, certPem, keyPem, caPem: ca.caPem }
      }
    }
    return await ca.issueLocked(wanted, now, {
      credential: name, ...(existing != null ? { supersedes: existing } : {})
    }, request.signal)
  })
}

/** Runs a task every `interval` ms, never two at once; the timer does not keep the process alive. */
export class RenewalTimer {
  readonly #interval: number
  readonly #task: () => Promise<void>
  readonly #log: Logger
  #started = false
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor (interval: number, task: () => Promise<void>, log: Logger) {
    this.#interval = interval
    this.#task = task
    this.#log = log
  }

  /** Whether the timer is started. */
  get started (): boolean {
    return this.#started
  }

  /** Run the task now, then `interval` ms after each pass ends. */
  start (): void {
    if (this.#started) return
    this.#started = true
    this.#tick()
  }

  #tick (): void {
    this.#running = this.#task()
      .catch(err => { this.#log.error({ err }, 'renewal pass failed') })
      .finally(() => {
        this.#running = undefined
        if (!this.#started) return
        this.#timer = setTimeout(() => { this.#tick() }, this.#interval)
        this.#timer.unref()
      })
  }

  /** Stop the timer and wait for a pass in progress to finish. */
  async stop (): Promise<void> {
    this.#started = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }
}
