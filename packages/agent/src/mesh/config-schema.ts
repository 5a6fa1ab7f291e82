/**
 * The `mesh` section of the cell's configuration. Routing (exit node,
 * split, peer and bridge routes, NAT, firewall) and manual peers live here
 * too, so API changes persist across restarts, are backed up with the rest
 * of the config, and are validated by the mesh package's own schemas.
 */
import {
  DEFAULT_INTERFACE_NAME, DEFAULT_LISTEN_PORT, interfaceNameSchema, ipAddressSchema, isWireguardKey, routingConfigSchema
} from '@cell/mesh'
import { z } from 'zod'
import { DEFAULT_ADDRESS_CHECK_SECONDS, MAX_ANNOUNCED_ENDPOINTS, MAX_MANUAL_PEERS } from './constants.ts'

/** `host:port`, IPv6 in brackets: what `wg` and peer records carry. */
export const endpointSchema = z.string().max(300)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, with IPv6 in brackets ([2001:db8::1]:51820)')

export const wireguardKeySchema = z.string().refine(isWireguardKey, 'must be a WireGuard key: base64 of 32 bytes')

/** A WireGuard peer that is not a cell (a phone, a router), added by hand. */
export const manualPeerSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1-32 lowercase letters, digits and inner hyphens'),
  publicKey: wireguardKeySchema,
  endpoint: endpointSchema.optional(),
  /** Its overlay IPv4 (inside 100.64.0.0/10) and IPv6 (inside the project ULA) */
  ipv4: ipAddressSchema,
  ipv6: ipAddressSchema,
  comment: z.string().max(100).optional()
})

export const meshConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  // auto: the Linux backend when the process may run it, else memory.
  backend: z.enum(['auto', 'linux', 'memory']).default('auto'),
  // auto: kernel WireGuard when the module exists, else wireguard-go.
  wireguard: z.enum(['auto', 'kernel', 'userspace']).default('auto'),
  interfaceName: interfaceNameSchema.default(DEFAULT_INTERFACE_NAME),
  listenPort: z.number().int().min(1).max(65535).default(DEFAULT_LISTEN_PORT),
  // Announced in the peer record; empty: the p2p listen addresses with listenPort.
  endpoints: z.array(endpointSchema).max(MAX_ANNOUNCED_ENDPOINTS).default([]),
  addressCheckSeconds: z.number().int().min(1).max(3600).default(DEFAULT_ADDRESS_CHECK_SECONDS),
  removeOnStop: z.boolean().default(true),
  routing: routingConfigSchema.prefault({}),
  manualPeers: z.array(manualPeerSchema).max(MAX_MANUAL_PEERS).default([])
})

export type MeshConfig = z.infer<typeof meshConfigSchema>
export type ManualPeer = z.infer<typeof manualPeerSchema>
