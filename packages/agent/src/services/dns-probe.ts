/**
 * Ask the cell's own DNS server a question through node's stub resolver
 * (c-ares), the same path any program on the machine would take: a real
 * query over UDP to the address the server is bound to.
 */
import { Resolver } from 'node:dns/promises'
import { isIPv6 } from 'node:net'
import { SECOND } from '../constants.ts'
import type { DnsServerAddress } from '@cell/services'

const PROBE_TIMEOUT = 2 * SECOND

export interface ProbeResult {
  ok: boolean
  name: string
  addresses: string[]
  detail: string
}

/** Where to send a query for a server bound to `address` (a wildcard bind answers on loopback). */
export function probeTarget (address: DnsServerAddress): string {
  if (address.host === '0.0.0.0') return `127.0.0.1:${address.port}`
  if (address.host === '::') return `[::1]:${address.port}`
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/** Resolve `name` (AAAA, then A) at the server; never throws. */
export async function probeName (address: DnsServerAddress, name: string, signal?: AbortSignal): Promise<ProbeResult> {
  const resolver = new Resolver({ timeout: PROBE_TIMEOUT, tries: 1 })
  resolver.setServers([probeTarget(address)])
  const cancel = (): void => { resolver.cancel() }
  signal?.addEventListener('abort', cancel, { once: true })

  try {
    const addresses: string[] = []
    for (const lookup of [resolver.resolve6.bind(resolver), resolver.resolve4.bind(resolver)]) {
      try {
        addresses.push(...await lookup(name))
      } catch (err) {
        // NODATA for one family is fine; anything else is the answer.
        if ((err as NodeJS.ErrnoException).code !== 'ENODATA') throw err
      }
    }
    return { ok: addresses.length > 0, name, addresses, detail: addresses.length > 0 ? addresses.join(' ') : 'no addresses' }
  } catch (err) {
    return { ok: false, name, addresses: [], detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message }
  } finally {
    signal?.removeEventListener('abort', cancel)
  }
}
