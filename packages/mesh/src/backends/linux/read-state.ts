/**
 * Reads back what the cell owns on a Linux machine: its interface and
 * peers (`wg show dump`), its addresses and routes (`ip -j`), its policy
 * rules (by their priorities), the forwarding switches and the digest in
 * its nftables table's comment. Nothing else on the machine is looked at.
 */
import { CommandFailedError } from '../../errors.ts'
import { canonicalCidr, canonicalIp } from '../../net/cidr.ts'
import { DIGEST_COMMENT_PREFIX } from '../../nft/render.ts'
import { parseWgDump } from './wg-dump.ts'
import type { MeshState, RouteState } from '../../types.ts'
import type { CommandRunner } from './command-runner.ts'

export interface LinuxLayout {
  interfaceName: string
  routeTable: number
  rulePriority: number
  nftTable: string
  /** The key path last applied (the kernel only knows the key itself) */
  privateKeyPath: string | null
}

interface IpAddressInfo { local?: string, prefixlen?: number, scope?: string }
interface IpRoute { dst?: string, protocol?: string, type?: string }
interface IpRule { priority?: number, table?: string }

function parseJson<T> (text: string): T[] {
  const value: unknown = JSON.parse(text === '' ? '[]' : text)
  return Array.isArray(value) ? value as T[] : []
}

/** Routes of one family and table through the interface; a table never used does not exist yet. */
async function listRoutes (runner: CommandRunner, [family, table, dev]: string[], signal?: AbortSignal): Promise<IpRoute[]> {
  try {
    const { stdout } = await runner.run('ip', ['-j', family, 'route', 'show', 'table', table, 'dev', dev], { signal })
    return parseJson<IpRoute>(stdout)
  } catch (err) {
    if (err instanceof CommandFailedError && err.stderr.includes('does not exist')) {
      return []
    }
    throw err
  }
}

async function readRoutes (runner: CommandRunner, layout: LinuxLayout, signal?: AbortSignal): Promise<RouteState[]> {
  const routes: RouteState[] = []
  for (const [tableArg, table] of [['main', 'main'], [String(layout.routeTable), 'cell']] as const) {
    for (const family of ['-4', '-6']) {
      for (const route of await listRoutes(runner, [family, tableArg, layout.interfaceName], signal)) {
        // Connected routes of the interface addresses are the kernel's, not ours.
        if (route.protocol === 'kernel' || route.dst == null || (route.type != null && route.type !== 'unicast')) {
          continue
        }
        const dst = route.dst === 'default' ? (family === '-4' ? '0.0.0.0/0' : '::/0') : route.dst
        routes.push({ destination: canonicalCidr(dst), table })
      }
    }
  }
  return routes.sort((a, b) => `${a.table} ${a.destination}` < `${b.table} ${b.destination}` ? -1 : 1)
}

/** Whether both of the cell's policy rules exist for both families. */
export async function readPolicyRouting (runner: CommandRunner, layout: LinuxLayout, signal?: AbortSignal): Promise<boolean> {
  for (const family of ['-4', '-6']) {
    const { stdout } = await runner.run('ip', ['-j', family, 'rule', 'show'], { signal })
    const rules = parseJson<IpRule>(stdout)
    const lookup = rules.some((rule) => rule.priority === layout.rulePriority + 1 && rule.table === String(layout.routeTable))
    const suppress = rules.some((rule) => rule.priority === layout.rulePriority && rule.table === 'main')
    if (!lookup || !suppress) {
      return false
    }
  }
  return true
}

export async function readForwarding (runner: CommandRunner, signal?: AbortSignal): Promise<boolean> {
  const { stdout } = await runner.run('sysctl', ['-n', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'], { signal })
  return stdout.trim().split('\n').every((line) => line.trim() === '1')
}

async function readDigest (runner: CommandRunner, table: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const { stdout } = await runner.run('nft', ['list', 'table', 'inet', table], { signal })
    const match = new RegExp(`comment "${DIGEST_COMMENT_PREFIX}([0-9a-f]{64})"`).exec(stdout)
    return match?.[1] ?? null
  } catch {
    return null // no table yet
  }
}

export async function readLinuxState (runner: CommandRunner, layout: LinuxLayout, signal?: AbortSignal): Promise<MeshState> {
  const name = layout.interfaceName
  const dump = parseWgDump((await runner.run('wg', ['show', name, 'dump'], { signal })).stdout)
  const { stdout: addressJson } = await runner.run('ip', ['-j', 'address', 'show', 'dev', name], { signal })
  const addresses = parseJson<{ addr_info?: IpAddressInfo[] }>(addressJson)
    .flatMap((link) => link.addr_info ?? [])
    .filter((info) => info.scope === 'global' && info.local != null)
    .map((info) => `${canonicalIp(info.local as string) ?? ''}/${Number(info.prefixlen)}`)
    .sort()

  return {
    interface: {
      name,
      listenPort: dump.listenPort,
      privateKeyPath: dump.hasPrivateKey ? layout.privateKeyPath : null,
      addresses
    },
    peers: dump.peers.map((peer) => ({
      publicKey: peer.publicKey,
      cellId: '',
      endpoint: peer.endpoint,
      allowedIps: peer.allowedIps,
      persistentKeepalive: peer.persistentKeepalive
    })).sort((a, b) => a.publicKey < b.publicKey ? -1 : 1),
    routes: await readRoutes(runner, layout, signal),
    policyRouting: await readPolicyRouting(runner, layout, signal),
    forwarding: await readForwarding(runner, signal),
    ruleset: null,
    rulesetDigest: await readDigest(runner, layout.nftTable, signal)
  }
}
