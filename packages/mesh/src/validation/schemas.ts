/**
 * Schemas of the routing API bodies (`/api/routing/*`). Each parses to the
 * canonical value the desired-state builder takes; `parseRoutingBody` turns
 * failures into a `ValidationError` naming the field.
 */
import { z } from 'zod'
import { isDefaultRoute } from '../net/cidr.ts'
import {
  cellIdSchema, cidrSchema, commentSchema, familyOf, interfaceNameSchema, ipAddressSchema, portSchema,
  portSpecSchema, prefixListSchema, protocolSchema
} from './primitives.ts'

/** Masquerade what leaves `outInterface` (optionally only from `source`). */
export const masqueradeRuleSchema = z.strictObject({
  type: z.literal('masquerade'),
  outInterface: interfaceNameSchema,
  source: cidrSchema.optional(),
  comment: commentSchema.optional()
})

/** Rewrite the source of matching packets to `toAddress`. */
export const snatRuleSchema = z.strictObject({
  type: z.literal('snat'),
  outInterface: interfaceNameSchema.optional(),
  source: cidrSchema.optional(),
  toAddress: ipAddressSchema,
  comment: commentSchema.optional()
}).refine((rule) => rule.source == null || familyOf(rule.source) === familyOf(rule.toAddress), {
  message: 'toAddress must be of the same family as source', path: ['toAddress']
})

/** Forward `protocol` traffic for `port` to `toAddress` (and `toPort`). */
export const dnatRuleSchema = z.strictObject({
  type: z.literal('dnat'),
  inInterface: interfaceNameSchema.optional(),
  protocol: z.enum(['tcp', 'udp']),
  destination: ipAddressSchema.optional(),
  port: portSchema,
  toAddress: ipAddressSchema,
  toPort: portSchema.optional(),
  comment: commentSchema.optional()
}).refine((rule) => rule.destination == null || familyOf(rule.destination) === familyOf(rule.toAddress), {
  message: 'toAddress must be of the same family as destination', path: ['toAddress']
})

export const natRuleSchema = z.discriminatedUnion('type', [masqueradeRuleSchema, snatRuleSchema, dnatRuleSchema])

/** Subnets that live behind a peer (its LAN); the peer must be trusted for 'route'. */
export const peerRouteSchema = z.strictObject({
  peer: cellIdSchema,
  prefixes: prefixListSchema
})

/** Send all traffic through a peer; `null` turns the exit node off. */
export const exitNodeSchema = z.strictObject({
  peer: cellIdSchema.nullable()
})

/** Expose a local network to the mesh: forward and optionally masquerade. */
export const bridgeRouteSchema = z.strictObject({
  interface: interfaceNameSchema,
  prefixes: prefixListSchema,
  masquerade: z.boolean().default(true)
})

/** Send only these destinations through a peer (split tunnelling). */
export const splitRouteSchema = z.strictObject({
  via: cellIdSchema,
  prefixes: prefixListSchema.refine((prefixes) => !prefixes.some(isDefaultRoute), 'use the exit node for a default route')
})

export const firewallRuleSchema = z.strictObject({
  action: z.enum(['accept', 'drop', 'reject']),
  chain: z.enum(['input', 'forward']).default('input'),
  protocol: protocolSchema.default('any'),
  source: cidrSchema.optional(),
  destination: cidrSchema.optional(),
  ports: z.array(portSpecSchema).min(1).max(32).optional(),
  inInterface: interfaceNameSchema.optional(),
  outInterface: interfaceNameSchema.optional(),
  comment: commentSchema.optional()
}).superRefine((rule, ctx) => {
  if (rule.ports != null && rule.protocol !== 'tcp' && rule.protocol !== 'udp') {
    ctx.addIssue({ code: 'custom', path: ['ports'], message: 'ports need protocol tcp or udp' })
  }
  if (rule.source != null && rule.destination != null && familyOf(rule.source) !== familyOf(rule.destination)) {
    ctx.addIssue({ code: 'custom', path: ['destination'], message: 'destination must be of the same family as source' })
  }
  if (rule.outInterface != null && rule.chain !== 'forward') {
    ctx.addIssue({ code: 'custom', path: ['outInterface'], message: 'outInterface applies to the forward chain only' })
  }
})

export const servicePortsSchema = z.strictObject({
  scope: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a scope name'),
  protocol: z.enum(['tcp', 'udp']),
  ports: z.array(portSchema).min(1).max(32)
})

/** The whole routing configuration as the agent stores it. */
export const routingConfigSchema = z.strictObject({
  exitNode: cellIdSchema.nullable().default(null),
  splitRoutes: z.array(splitRouteSchema).max(256).default([]),
  peerRoutes: z.array(peerRouteSchema).max(256).default([]),
  bridgeRoutes: z.array(bridgeRouteSchema).max(64).default([]),
  nat: z.array(natRuleSchema).max(256).default([]),
  firewall: z.array(firewallRuleSchema).max(1024).default([]),
  services: z.array(servicePortsSchema).max(64).optional(),
  forwarding: z.boolean().optional()
})

export type NatRule = z.output<typeof natRuleSchema>
export type MasqueradeRule = z.output<typeof masqueradeRuleSchema>
export type SnatRule = z.output<typeof snatRuleSchema>
export type DnatRule = z.output<typeof dnatRuleSchema>
export type PeerRoute = z.output<typeof peerRouteSchema>
export type ExitNode = z.output<typeof exitNodeSchema>
export type BridgeRoute = z.output<typeof bridgeRouteSchema>
export type SplitRoute = z.output<typeof splitRouteSchema>
export type FirewallRule = z.output<typeof firewallRuleSchema>
export type PortSpec = z.output<typeof portSpecSchema>
export type RoutingConfig = z.output<typeof routingConfigSchema>
/** What callers may write: defaults still to be filled in. */
export type RoutingConfigInput = z.input<typeof routingConfigSchema>
