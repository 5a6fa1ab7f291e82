/**
 * @packageDocumentation
 *
 * The mesh of a cell: trust decides who becomes a WireGuard peer, which
 * prefixes each peer may carry, which ports each cell may reach, and this
 * package makes it so. It knows nothing about libp2p or the agent: it takes
 * plain data and reconciles a backend towards it.
 *
 * - `desiredMeshState` is a pure function from the local cell, its trusted
 *   peers and the routing configuration to a `DesiredState`.
 * - `diffMeshState` lists the `MeshChange`s between two states.
 * - `MeshReconciler` applies only those changes, one apply at a time,
 *   coalescing bursts.
 * - `LinuxBackend` (kernel WireGuard or wireguard-go, `ip`, `nft`) and
 *   `MemoryBackend` (simulations, unprivileged runs) implement `MeshBackend`.
 * - The zod schemas validate the routing API bodies.
 *
 * @example
 * ```ts
 * import { LinuxBackend, MeshReconciler, desiredMeshState } from '@cell/mesh'
 *
 * const backend = new LinuxBackend({ interfaceName: 'pic0' })
 * await backend.start()
 * const reconciler = new MeshReconciler({ backend, log })
 * const desired = desiredMeshState({
 *   self: { privateKeyPath: '/var/lib/cell/wg.key', overlay: { ipv4, ipv6 } },
 *   peers: [{ cellId, wgPublicKey, endpoints: ['198.51.100.7:51820'], overlay, advertisedPrefixes: [], scopes: new Set(['mesh']) }],
 *   routing: { exitNode: null }
 * })
 * await reconciler.apply(desired, { signal })
 * await backend.stop({ removeInterface: true })
 * ```
 */
export * from './constants.ts'
export * from './errors.ts'
export type * from './types.ts'
export { desiredMeshState } from './desired/desired-state.ts'
export { hasScope } from './desired/scopes.ts'
export { rulesetDigest } from './desired/ruleset.ts'
export { diffMeshState, peerFieldsChanged, summarizeChanges } from './diff/diff.ts'
export { MeshReconciler } from './reconciler.ts'
export type { ApplyResult, MeshReconcilerInit } from './reconciler.ts'
export { MemoryBackend } from './backends/memory-backend.ts'
export type { MemoryBackendInit } from './backends/memory-backend.ts'
export { LinuxBackend } from './backends/linux/linux-backend.ts'
export type { LinuxBackendInit, WireguardMode } from './backends/linux/linux-backend.ts'
export { detectPrivileges } from './backends/linux/privileges.ts'
export type { PrivilegeReport } from './backends/linux/privileges.ts'
export type { Binaries } from './backends/linux/command-runner.ts'
export { parseWgDump } from './backends/linux/wg-dump.ts'
export type { WgDump, DumpPeer } from './backends/linux/wg-dump.ts'
export { renderNftScript, renderNftTeardown, DIGEST_COMMENT_PREFIX } from './nft/render.ts'
export type { RenderOptions } from './nft/render.ts'
export { canonicalCidr, canonicalIp, cidrFamily, cidrsOverlap, tryCanonicalCidr } from './net/cidr.ts'
export { firstUsableEndpoint, formatEndpoint, parseEndpoint } from './net/endpoint.ts'
export type { Endpoint } from './net/endpoint.ts'
export { isWireguardKey } from './net/keys.ts'
export {
  bridgeRouteSchema, dnatRuleSchema, exitNodeSchema, firewallRuleSchema, masqueradeRuleSchema, natRuleSchema,
  peerRouteSchema, routingConfigSchema, servicePortsSchema, snatRuleSchema, splitRouteSchema
} from './validation/schemas.ts'
export type {
  BridgeRoute, DnatRule, ExitNode, FirewallRule, MasqueradeRule, NatRule, PeerRoute, PortSpec, RoutingConfig,
  RoutingConfigInput, SnatRule, SplitRoute
} from './validation/schemas.ts'
export {
  cellIdSchema, cidrSchema, interfaceNameSchema, ipAddressSchema, portSchema, portSpecSchema, protocolSchema
} from './validation/primitives.ts'
export { parseRoutingBody, validationIssues } from './validation/parse.ts'
export type { Logger } from './logger.ts'
