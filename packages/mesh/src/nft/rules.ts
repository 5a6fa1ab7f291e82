/**
 * Rendering of the user's firewall and NAT rules into nft statements.
 * nftables syntax: https://wiki.nftables.org/ and nft(8), "STATEMENTS".
 */
import { cidrFamily } from '../net/cidr.ts'
import { address, anonymousSet, ifname, port, prefix, quoted } from './syntax.ts'
import type { BridgeRoute, FirewallRule, NatRule } from '../validation/schemas.ts'

function familyMatch (field: 'saddr' | 'daddr', cidr: string): string {
  const canonical = prefix(cidr)
  return `${cidrFamily(canonical) === 4 ? 'ip' : 'ip6'} ${field} ${canonical}`
}

function comment (text: string | undefined): string[] {
  return text == null || text === '' ? [] : [`comment ${quoted(text)}`]
}

/** One firewall rule; `family` is the family its addresses imply, if any. */
export function renderFirewallRule (rule: FirewallRule): string {
  const parts: string[] = []
  if (rule.inInterface != null) parts.push(`iifname ${ifname(rule.inInterface)}`)
  if (rule.outInterface != null) parts.push(`oifname ${ifname(rule.outInterface)}`)
  if (rule.source != null) parts.push(familyMatch('saddr', rule.source))
  if (rule.destination != null) parts.push(familyMatch('daddr', rule.destination))

  const family = rule.source ?? rule.destination
  if (rule.protocol === 'tcp' || rule.protocol === 'udp') {
    parts.push(rule.ports == null ? `meta l4proto ${rule.protocol}` : `${rule.protocol} dport ${anonymousSet(rule.ports.map(port))}`)
  } else if (rule.protocol === 'icmp') {
    // ICMP is two protocols: ICMP for IPv4 (RFC 792), ICMPv6 (RFC 4443).
    parts.push(family == null ? 'meta l4proto { icmp, ipv6-icmp }' : `meta l4proto ${cidrFamily(prefix(family)) === 4 ? 'icmp' : 'ipv6-icmp'}`)
  }
  parts.push(rule.action, ...comment(rule.comment))
  return parts.join(' ')
}

/** A prerouting (DNAT) statement, or null for source NAT rules. */
export function renderDnat (rule: NatRule): string | null {
  if (rule.type !== 'dnat') {
    return null
  }
  const to = address(rule.toAddress)
  const v4 = cidrFamily(prefix(to)) === 4
  const parts: string[] = []
  if (rule.inInterface != null) parts.push(`iifname ${ifname(rule.inInterface)}`)
  parts.push(rule.destination != null ? familyMatch('daddr', rule.destination) : `meta nfproto ${v4 ? 'ipv4' : 'ipv6'}`)
  parts.push(`${rule.protocol} dport ${port(rule.port)}`)
  const target = rule.toPort == null ? to : v4 ? `${to}:${port(rule.toPort)}` : `[${to}]:${port(rule.toPort)}`
  parts.push(`dnat ${v4 ? 'ip' : 'ip6'} to ${target}`, ...comment(rule.comment))
  return parts.join(' ')
}

/** A postrouting (SNAT / masquerade) statement, or null for DNAT rules. */
export function renderSnat (rule: NatRule): string | null {
  if (rule.type === 'dnat') {
    return null
  }
  const parts: string[] = []
  if (rule.outInterface != null) parts.push(`oifname ${ifname(rule.outInterface)}`)
  if (rule.type === 'masquerade') {
    if (rule.source != null) parts.push(familyMatch('saddr', rule.source))
    parts.push('masquerade', ...comment(rule.comment))
    return parts.join(' ')
  }
  const to = address(rule.toAddress)
  const v4 = cidrFamily(prefix(to)) === 4
  parts.push(rule.source != null ? familyMatch('saddr', rule.source) : `meta nfproto ${v4 ? 'ipv4' : 'ipv6'}`)
  parts.push(`snat ${v4 ? 'ip' : 'ip6'} to ${to}`, ...comment(rule.comment))
  return parts.join(' ')
}

/**
 * Masquerade overlay traffic leaving towards a bridged network, so hosts
 * there answer the cell without a route back into the overlay.
 */
export function renderBridgeMasquerade (bridge: BridgeRoute, overlayRanges: { ipv4: string, ipv6: string }): string[] {
  if (!bridge.masquerade) {
    return []
  }
  const lines: string[] = []
  for (const [family, range] of [[4, overlayRanges.ipv4], [6, overlayRanges.ipv6]] as const) {
    const targets = bridge.prefixes.map(prefix).filter((p) => cidrFamily(p) === family)
    if (targets.length > 0) {
      const ip = family === 4 ? 'ip' : 'ip6'
      lines.push(`oifname ${ifname(bridge.interface)} ${ip} saddr ${prefix(range)} ${ip} daddr ${anonymousSet(targets)} masquerade`)
    }
  }
  return lines
}
