/**
 * The cell's nftables table as one `nft -f` script. nft applies a script as
 * a single transaction, so the table is replaced atomically: the script
 * first declares the table (a no-op when it exists, so the delete cannot
 * fail), deletes it, and creates it again. Nothing outside the table is
 * named, so other tables and chains on the machine are never touched.
 *
 * Base chains use `policy accept`: a packet accepted here still traverses
 * every other table's chains, so this table can only add restrictions; it
 * cannot open what another firewall closes.
 */
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { DEFAULT_NFT_TABLE } from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { renderBridgeMasquerade, renderDnat, renderFirewallRule, renderSnat } from './rules.ts'
import { anonymousSet, ifname, prefix, quoted, setName } from './syntax.ts'
import type { RuleSet, SourceSet } from '../types.ts'

export interface RenderOptions {
  /** Name of the `inet` table (default `pic`) */
  table?: string
  /** Digest kept in the table comment so the state can be read back */
  digest?: string
}

/** Prefix of the table comment that carries the rule set digest. */
export const DIGEST_COMMENT_PREFIX = 'pic-digest:'

function renderSet (name: string, type: 'ipv4_addr' | 'ipv6_addr', elements: readonly string[]): string[] {
  const lines = [`\tset ${name} {`, `\t\ttype ${type}`, '\t\tflags interval', '\t\tauto-merge']
  if (elements.length > 0) {
    lines.push(`\t\telements = { ${elements.map(prefix).join(', ')} }`)
  }
  lines.push('\t}')
  return lines
}

function renderSetPair (base: string, sources: SourceSet): string[] {
  return [...renderSet(`${base}_v4`, 'ipv4_addr', sources.ipv4), ...renderSet(`${base}_v6`, 'ipv6_addr', sources.ipv6)]
}

function chain (name: string, hook: string, rules: string[]): string[] {
  return [`\tchain ${name} {`, `\t\t${hook}`, ...rules.map((rule) => `\t\t${rule}`), '\t}']
}

/** Render the table for `ruleset`. Pure; throws `InvalidArgumentError` on unsafe input. */
export function renderNftScript (ruleset: RuleSet, options: RenderOptions = {}): string {
  const table = options.table ?? DEFAULT_NFT_TABLE
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(table)) {
    throw new InvalidArgumentError('table', 'nft table names must be lowercase letters, digits and "_"')
  }
  const overlay = ifname(ruleset.interfaceName)
  const sets: string[] = [...renderSetPair('mesh', ruleset.meshSources), ...renderSetPair('forward', ruleset.forwardSources)]

  // Each service port is open only to its scope; ports of every service are
  // then closed to everyone else on the overlay, before the mesh-wide accept.
  const serviceRules: string[] = []
  const closed = { tcp: new Set<number>(), udp: new Set<number>() }
  for (const service of ruleset.services) {
    const base = setName('svc', service.scope, service.protocol)
    sets.push(...renderSetPair(base, service.sources))
    const ports = anonymousSet([...service.ports])
    serviceRules.push(`ip saddr @${base}_v4 ${service.protocol} dport ${ports} accept`)
    serviceRules.push(`ip6 saddr @${base}_v6 ${service.protocol} dport ${ports} accept`)
    service.ports.forEach((p) => closed[service.protocol].add(p))
  }
  for (const protocol of ['tcp', 'udp'] as const) {
    if (closed[protocol].size > 0) {
      serviceRules.push(`${protocol} dport ${anonymousSet([...closed[protocol]].sort((a, b) => a - b))} drop`)
    }
  }

  const userRules = (name: 'input' | 'forward'): string[] => ruleset.firewall.filter((rule) => rule.chain === name).map(renderFirewallRule)
  const input = [
    ...userRules('input'),
    `iifname != ${overlay} accept`,
    'ct state established,related accept',
    'ct state invalid drop',
    ...serviceRules,
    'ip saddr @mesh_v4 accept',
    'ip6 saddr @mesh_v6 accept',
    'counter drop'
  ]
  const forward = [
    ...userRules('forward'),
    `iifname != ${overlay} accept`,
    'ct state established,related accept',
    'ip saddr @forward_v4 accept',
    'ip6 saddr @forward_v6 accept',
    'counter drop'
  ]
  const dnat = ruleset.nat.map(renderDnat).filter((line) => line != null)
  const snat = [
    ...ruleset.nat.map(renderSnat).filter((line) => line != null),
    ...ruleset.bridges.flatMap((bridge) => renderBridgeMasquerade(bridge, { ipv4: OVERLAY_IPV4_PREFIX, ipv6: OVERLAY_IPV6_PREFIX }))
  ]

  const body = [
    ...(options.digest == null ? [] : [`\tcomment ${quoted(DIGEST_COMMENT_PREFIX + options.digest, 'digest')}`]),
    ...sets,
    ...chain('input', 'type filter hook input priority filter; policy accept;', input),
    ...chain('forward', 'type filter hook forward priority filter; policy accept;', forward),
    ...chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', dnat),
    ...chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', snat)
  ]
  return [
    '# Owned by Personal Internet Cell; replaced as a whole on every change.',
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    ...body,
    '}',
    ''
  ].join('\n')
}

/** The script that removes the cell's table, if it exists. */
export function renderNftTeardown (table = DEFAULT_NFT_TABLE): string {
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(table)) {
    throw new InvalidArgumentError('table', 'nft table names must be lowercase letters, digits and "_"')
  }
  return `table inet ${table}\ndelete table inet ${table}\n`
}
