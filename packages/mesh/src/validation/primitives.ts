/**
 * Field schemas shared by the routing API bodies. Each one rejects with a
 * message that says what was expected; the field's path is added by zod.
 */
import { z } from 'zod'
import { canonicalIp, cidrFamily, tryCanonicalCidr } from '../net/cidr.ts'

/**
 * Linux interface names (dev_valid_name in net/core/dev.c): at most 15 bytes
 * (IFNAMSIZ - 1), not `.` or `..`, no `/`, `:` or whitespace. We also refuse
 * quotes and other punctuation so names can go into nft scripts verbatim.
 */
export const interfaceNameSchema = z.string()
  .regex(/^[A-Za-z0-9_.-]{1,15}$/, 'interface name must be 1-15 characters of letters, digits, "_", "." or "-"')
  .refine((name) => name !== '.' && name !== '..', 'interface name may not be "." or ".."')

/** A CIDR prefix, IPv4 or IPv6, returned canonical with host bits cleared. */
export const cidrSchema = z.string().max(64).transform((value, ctx) => {
  const canonical = tryCanonicalCidr(value)
  if (canonical == null || !value.includes('/')) {
    ctx.addIssue({ code: 'custom', message: 'expected a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/32' })
    return z.NEVER
  }
  return canonical
})

/** A single IP address, returned canonical. */
export const ipAddressSchema = z.string().max(64).transform((value, ctx) => {
  const canonical = canonicalIp(value)
  if (canonical == null) {
    ctx.addIssue({ code: 'custom', message: 'expected an IPv4 or IPv6 address' })
    return z.NEVER
  }
  return canonical
})

export const protocolSchema = z.enum(['tcp', 'udp', 'icmp', 'any'])

export const portSchema = z.number().int('port must be an integer').min(1, 'port must be 1-65535').max(65535, 'port must be 1-65535')

/** A port (`443`) or an inclusive range (`"8000-8100"`). */
export const portSpecSchema = z.union([
  portSchema,
  z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'expected a port or a range such as "8000-8100"').transform((value, ctx) => {
    const [from, to = from] = value.split('-').map(Number)
    if (from < 1 || to > 65535 || from > to) {
      ctx.addIssue({ code: 'custom', message: 'port range must be ascending within 1-65535' })
      return z.NEVER
    }
    return from === to ? from : `${from}-${to}`
  })
])

/** A cell id as the agent prints it (a libp2p peer id). */
export const cellIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected a cell id')

/** Free text kept with a rule; restricted so it can be quoted in nft. */
export const commentSchema = z.string().max(100).regex(/^[\w .,:@()/+-]*$/, 'comment may hold letters, digits, spaces and .,:@()/+-_')

/** 1 to 64 prefixes. */
export const prefixListSchema = z.array(cidrSchema).min(1, 'at least one prefix is required').max(64, 'at most 64 prefixes')

/** Family (4 or 6) of an address or prefix in canonical form. */
export function familyOf (value: string): 4 | 6 {
  return cidrFamily(value)
}
