/**
 * `/api/wireguard/*`: the cell's WireGuard keys (public half only; the
 * private key never leaves the cell), the configuration and peers trust
 * derived, manual (non-cell) peers, live status, and a ping over the
 * overlay.
 */
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { cidrsOverlap } from '@cell/mesh'
import { z } from 'zod'
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.ts'
import { manualPeerSchema } from '../../mesh/config-schema.ts'
import { MANUAL_PEER_PREFIX } from '../../mesh/constants.ts'
import { pingOnce } from '../../mesh/overlay-ping.ts'
import { addManualPeer, manualPeers, removeManualPeer } from '../../mesh/routing-store.ts'
import { renderWgQuickConfig } from '../../mesh/wg-config.ts'
import { parseInput } from '../validate.ts'
import { resolveCell } from './trust.ts'
import type { ApiContext, RouteModule } from '../context.ts'
import type { PeerLabel } from '../../mesh/wg-config.ts'
import type { OverlayPair } from '@cell/mesh'

const cellRef = z.string().min(1).max(128).regex(/^[A-Za-z0-9:-]+$/, 'must be a cell id, a cell name or manual:<peer name>')
const connectivityBody = z.strictObject({ cell: cellRef })
const peerName = z.strictObject({ name: manualPeerSchema.shape.name })

/** Labels (cell name and id) of every peer of the last desired state, by public key. */
function peerLabels (api: ApiContext): Map<string, PeerLabel> {
  const records = api.trust().records
  const labels = new Map<string, PeerLabel>()
  for (const input of api.mesh().snapshot().inputs) {
    labels.set(input.wgPublicKey, { cellId: input.cellId, name: records.peerRecord(input.cellId)?.name })
  }
  return labels
}

/** The overlay addresses of a cell (id or name) or a manual peer (`manual:<name>`). */
function overlayOf (api: ApiContext, ref: string): { cellId: string, overlay: OverlayPair } {
  if (ref.startsWith(MANUAL_PEER_PREFIX)) {
    const peer = manualPeers(api.config).find(p => `${MANUAL_PEER_PREFIX}${p.name}` === ref)
    if (peer == null) throw new NotFoundError(`No manual peer ${ref}`)
    return { cellId: ref, overlay: { ipv4: peer.ipv4, ipv6: peer.ipv6 } }
  }
  const cellId = resolveCell(api, ref)
  const input = api.mesh().snapshot().inputs.find(peer => peer.cellId === cellId)
  if (input == null) throw new ConflictError(`Cell ${cellId} is not a mesh peer of this cell (not trusted for mesh, or no peer record yet)`)
  return { cellId, overlay: input.overlay }
}

export const wireguardRoutes: RouteModule = (router, api) => {
  router.get('/api/wireguard/keys', ctx => {
    ctx.body = { publicKey: api.identity.wireguard.publicKey }
  })

  router.post('/api/wireguard/keys/rotate', async ctx => {
    ctx.body = await api.mesh().rotateKey()
  })

  router.get('/api/wireguard/config', ctx => {
    const { desired } = api.mesh().snapshot()
    if (desired == null) throw new ConflictError('The mesh has not computed its state yet')
    ctx.type = 'text/plain'
    ctx.body = renderWgQuickConfig(desired, api.identity.wireguard.publicKey, peerLabels(api))
  })

  router.get('/api/wireguard/peers', async ctx => {
    const mesh = api.mesh()
    const { desired, inputs, pending } = mesh.snapshot()
    const live = new Map((await mesh.wireguardStatus()).peers.map(peer => [peer.publicKey, peer]))
    const states = new Map((desired?.peers ?? []).map(peer => [peer.publicKey, peer]))
    const records = api.trust().records
    ctx.body = {
      peers: inputs.filter(input => states.has(input.wgPublicKey)).map(input => {
        const state = states.get(input.wgPublicKey)
        const status = live.get(input.wgPublicKey)
        return {
          cellId: input.cellId,
          name: input.cellId.startsWith(MANUAL_PEER_PREFIX) ? input.cellId.slice(MANUAL_PEER_PREFIX.length) : records.peerRecord(input.cellId)?.name,
          source: input.cellId.startsWith(MANUAL_PEER_PREFIX) ? 'manual' : 'trust',
          publicKey: input.wgPublicKey,
          overlay: input.overlay,
          scopes: [...input.scopes].sort(),
          endpoint: status?.endpoint ?? state?.endpoint ?? null,
          allowedIps: state?.allowedIps ?? [],
          latestHandshake: status?.latestHandshake ?? null,
          rxBytes: status?.rxBytes ?? 0,
          txBytes: status?.txBytes ?? 0
        }
      }),
      pending,
      warnings: desired?.warnings ?? []
    }
  })

  router.post('/api/wireguard/peers', async ctx => {
    const peer = parseInput(manualPeerSchema, ctx.request.body)
    if (!cidrsOverlap(OVERLAY_IPV4_PREFIX, `${peer.ipv4}/32`)) throw new InvalidInputError(`Invalid body: ipv4: must be inside ${OVERLAY_IPV4_PREFIX}`, [{ path: 'ipv4', message: `must be inside ${OVERLAY_IPV4_PREFIX}` }])
    if (!cidrsOverlap(OVERLAY_IPV6_PREFIX, `${peer.ipv6}/128`)) throw new InvalidInputError(`Invalid body: ipv6: must be inside ${OVERLAY_IPV6_PREFIX}`, [{ path: 'ipv6', message: `must be inside ${OVERLAY_IPV6_PREFIX}` }])
    if (peer.publicKey === api.identity.wireguard.publicKey) throw new ConflictError('publicKey is this cell\'s own key')
    const cell = api.trust().records.peerRecords().find(record => record.wgPublicKey === peer.publicKey)
    if (cell != null) throw new ConflictError(`publicKey belongs to cell ${cell.cellId}; trust that cell instead`)
    await addManualPeer(api.config, peer)
    ctx.status = 201
    ctx.body = { peer: { ...peer, cellId: `${MANUAL_PEER_PREFIX}${peer.name}` } }
  })

  router.delete('/api/wireguard/peers/:name', async ctx => {
    const { name } = parseInput(peerName, { name: ctx.params.name }, 'params')
    await removeManualPeer(api.config, name)
    ctx.body = { removed: name }
  })

  router.delete('/api/wireguard/peers', async ctx => {
    const { name } = parseInput(peerName, ctx.request.body)
    await removeManualPeer(api.config, name)
    ctx.body = { removed: name }
  })

  router.get('/api/wireguard/status', async ctx => {
    ctx.body = await api.mesh().wireguardStatus()
  })

  router.post('/api/wireguard/connectivity', async ctx => {
    const { cell } = parseInput(connectivityBody, ctx.request.body)
    const target = overlayOf(api, cell)
    const signal = AbortSignal.timeout(10_000)
    const [ipv4, ipv6] = await Promise.all([pingOnce(target.overlay.ipv4, signal), pingOnce(target.overlay.ipv6, signal)])
    ctx.body = { cell: target.cellId, ok: ipv4.ok && ipv6.ok, ipv4, ipv6 }
  })
}
