/**
 * `/api/network/*`: what this machine and cell look like on the network
 * (interfaces, overlay addresses, libp2p addresses, where DNS answers), and
 * a bounded self-test: resolve this cell's own name through its running
 * DNS server and ping a few connected peers over libp2p.
 */
import { networkInterfaces } from 'node:os'
import { DEFAULT_ZONE } from '@cell/services'
import { SECOND } from '../../constants.ts'
import { probeName } from '../../services/dns-probe.ts'
import { selfOverlay } from '../../services/dns-cells.ts'
import type { ApiContext, RouteModule } from '../context.ts'
import type { DnsManager } from '../../services/dns-manager.ts'

/** Peers pinged by one test, and the whole test's time budget. */
const TEST_PING_PEERS = 8
const TEST_TIMEOUT = 10 * SECOND

interface Check { name: string, ok: boolean, detail?: string }

function interfaces (): Array<Record<string, unknown>> {
  return Object.entries(networkInterfaces()).map(([name, addresses]) => ({
    name,
    addresses: (addresses ?? []).map(address => ({
      address: address.address, family: address.family, cidr: address.cidr, internal: address.internal, mac: address.mac
    }))
  }))
}

function dnsManager (api: ApiContext): DnsManager | undefined {
  return api.bus.names().includes('dns') ? api.bus.get<DnsManager>('dns') : undefined
}

async function dnsCheck (api: ApiContext, signal: AbortSignal): Promise<Check> {
  const address = dnsManager(api)?.address
  if (address == null) return { name: 'dns', ok: false, detail: `DNS is ${api.bus.names().includes('dns') ? api.bus.info('dns').state : 'absent'}` }
  const probe = await probeName(address, `${api.config.effective.cell.name}.${DEFAULT_ZONE}`, signal)
  return { name: `dns resolve ${probe.name}`, ok: probe.ok, detail: probe.detail }
}

async function pingChecks (api: ApiContext, signal: AbortSignal): Promise<Check[]> {
  if (!api.bus.isRunning('p2p')) return [{ name: 'p2p', ok: false, detail: api.bus.info('p2p').state }]
  const node = api.libp2p()
  const peers = node.getPeers().slice(0, TEST_PING_PEERS)
  return Promise.all(peers.map(async peer => {
    try {
      const rtt = await node.services.ping.ping(peer, { signal })
      return { name: `ping ${peer.toString()}`, ok: true, detail: `${rtt} ms` }
    } catch (err) {
      return { name: `ping ${peer.toString()}`, ok: false, detail: (err as Error).message }
    }
  }))
}

export const networkRoutes: RouteModule = (router, api) => {
  router.get('/api/network/info', ctx => {
    const dns = dnsManager(api)
    const p2p = api.bus.isRunning('p2p') ? api.libp2p() : undefined
    ctx.body = {
      interfaces: interfaces(),
      overlay: selfOverlay(api.identity.cellId) ?? null,
      p2p: p2p != null
        ? { peerId: p2p.peerId.toString(), multiaddrs: p2p.getMultiaddrs().map(String), connections: p2p.getConnections().length }
        : null,
      dns: {
        state: dns != null ? api.bus.info('dns').state : 'absent',
        zone: DEFAULT_ZONE,
        name: `${api.config.effective.cell.name}.${DEFAULT_ZONE}`,
        address: dns?.address ?? null
      }
    }
  })

  router.post('/api/network/test', async ctx => {
    const signal = AbortSignal.timeout(TEST_TIMEOUT)
    const [dns, pings] = await Promise.all([dnsCheck(api, signal), pingChecks(api, signal)])
    const checks = [dns, ...pings]
    ctx.body = { ok: checks.every(check => check.ok), checks }
  })
}
