/**
 * Address sets written as CIDR strings, matched with node's BlockList.
 * Used for "who may use us as a resolver" and "who is exempt from rate
 * limiting".
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { ADDRESS_MEMO_ENTRIES } from './constants.ts'
import { DnsValidationError } from './errors.ts'

/** Loopback and the overlay: the only sources we resolve for by default. */
export const DEFAULT_FORWARD_SOURCES = ['127.0.0.0/8', '::1/128', OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX]

/** `::ffff:192.0.2.1` (a dual-stack socket's view of IPv4) as `192.0.2.1`. */
export function unmapAddress (address: string): string {
  if (address.startsWith('::ffff:') && isIPv4(address.slice(7))) {
    return address.slice(7)
  }
  return address
}

export class AddressSet {
  readonly #list = new BlockList()
  readonly #any: boolean
  readonly #empty: boolean
  // BlockList parses the address on every check; queries come from few
  // addresses, so remembering the verdicts keeps this off the hot path.
  readonly #memo = new Map<string, boolean>()

  /** `field` names the option in errors. `'any'` matches every address. */
  constructor (cidrs: readonly string[] | 'any', field: string) {
    this.#any = cidrs === 'any'
    this.#empty = cidrs !== 'any' && cidrs.length === 0
    if (cidrs === 'any') {
      return
    }
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/')
      const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined
      const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits)
      const max = family === 'ipv4' ? 32 : 128
      if (family === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new DnsValidationError([{ field, message: `"${cidr}" is not an address or CIDR prefix` }])
      }
      this.#list.addSubnet(address, prefix, family)
    }
  }

  has (address: string): boolean {
    if (this.#any) return true
    if (this.#empty) return false
    let verdict = this.#memo.get(address)
    if (verdict === undefined) {
      const plain = unmapAddress(address)
      verdict = this.#list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6')
      if (this.#memo.size >= ADDRESS_MEMO_ENTRIES) this.#memo.clear()
      this.#memo.set(address, verdict)
    }
    return verdict
  }
}
