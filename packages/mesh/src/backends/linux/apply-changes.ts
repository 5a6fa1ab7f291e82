/**
 * Turns a list of mesh changes into as few commands as keep their order:
 * consecutive changes for the same tool become one invocation (`wg set`
 * with many `peer` sections, `ip -batch -`, one `nft -f -` script).
 */
import { WG_SET_BATCH } from '../../constants.ts'
import { MeshConfigError } from '../../errors.ts'
import { renderNftScript } from '../../nft/render.ts'
import { cidrArg, endpointArg, integerArg, interfaceAddressArg, keyPathArg, portArg, wgKeyArg } from './arguments.ts'
import type { Logger } from '../../logger.ts'
import type { MeshChange, PeerState } from '../../types.ts'
import type { CommandRunner } from './command-runner.ts'
import type { LinuxLayout } from './read-state.ts'

export interface ApplyContext {
  runner: CommandRunner
  layout: LinuxLayout & { fwmark: number }
  /** Forwarding sysctls this cell switched on; shared with the backend's stop */
  forwardingChanged: string[]
  log: Logger
  signal?: AbortSignal
}

type Tool = 'wg' | 'ip' | 'rules' | 'sysctl' | 'nft'

const FORWARDING_KEYS = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']

function toolOf (change: MeshChange): Tool {
  switch (change.type) {
    case 'configure-interface': case 'add-peer': case 'update-peer': case 'remove-peer': return 'wg'
    case 'add-address': case 'remove-address': case 'add-route': case 'remove-route': return 'ip'
    case 'set-policy-routing': return 'rules'
    case 'set-forwarding': return 'sysctl'
    case 'replace-ruleset': return 'nft'
  }
}

function peerSection (peer: PeerState): string[] {
  const args = ['peer', wgKeyArg(peer.publicKey)]
  if (peer.endpoint != null) {
    args.push('endpoint', endpointArg(peer.endpoint))
  }
  args.push('persistent-keepalive', integerArg(peer.persistentKeepalive, 0, 65535, 'persistentKeepalive'))
  args.push('allowed-ips', peer.allowedIps.map((prefix) => cidrArg(prefix, 'allowedIps')).join(','))
  return args
}

async function applyWg (changes: readonly MeshChange[], ctx: ApplyContext): Promise<void> {
  const name = ctx.layout.interfaceName
  const sections: string[][] = []
  for (const change of changes) {
    if (change.type === 'configure-interface') {
      if (change.interface.name !== name) {
        throw new MeshConfigError(`desired interface ${change.interface.name} is not the backend's ${name}`)
      }
      const args = ['listen-port', portArg(change.interface.listenPort)]
      if (change.interface.privateKeyPath != null) {
        // A path, never the key: the key must not appear in any process list.
        args.push('private-key', keyPathArg(change.interface.privateKeyPath))
        ctx.layout.privateKeyPath = change.interface.privateKeyPath
      }
      sections.push(args)
    } else if (change.type === 'remove-peer') {
      sections.push(['peer', wgKeyArg(change.peer.publicKey), 'remove'])
    } else if (change.type === 'add-peer' || change.type === 'update-peer') {
      sections.push(peerSection(change.peer))
    }
  }
  for (let i = 0; i < sections.length; i += WG_SET_BATCH) {
    await ctx.runner.run('wg', ['set', name, ...sections.slice(i, i + WG_SET_BATCH).flat()], { signal: ctx.signal })
  }
}

async function applyIp (changes: readonly MeshChange[], ctx: ApplyContext): Promise<void> {
  const dev = ctx.layout.interfaceName
  const lines = changes.map((change) => {
    switch (change.type) {
      case 'add-address': return `address replace ${interfaceAddressArg(change.address)} dev ${dev}`
      case 'remove-address': return `address del ${interfaceAddressArg(change.address)} dev ${dev}`
      case 'add-route':
      case 'remove-route': {
        const table = change.route.table === 'main' ? 'main' : String(ctx.layout.routeTable)
        const verb = change.type === 'add-route' ? 'replace' : 'del'
        return `route ${verb} ${cidrArg(change.route.destination, 'destination')} dev ${dev} table ${table}`
      }
      default: return ''
    }
  }).filter((line) => line !== '')
  await ctx.runner.run('ip', ['-batch', '-'], { input: lines.join('\n') + '\n', signal: ctx.signal })
}

/**
 * The two rules wg-quick installs for a default route through the tunnel:
 * first the main table without its default route (so local networks keep
 * working), then the cell's table for every packet WireGuard did not mark.
 */
async function applyRules (enabled: boolean, ctx: ApplyContext): Promise<void> {
  const { rulePriority, routeTable, fwmark } = ctx.layout
  for (const family of ['-4', '-6']) {
    const suppress = ['priority', String(rulePriority), 'table', 'main']
    const lookup = ['priority', String(rulePriority + 1), 'table', String(routeTable)]
    for (const selector of [suppress, lookup]) {
      await ctx.runner.run('ip', [family, 'rule', 'del', ...selector], { signal: ctx.signal }).catch(() => {})
    }
    if (enabled) {
      await ctx.runner.run('ip', [family, 'rule', 'add', ...suppress, 'suppress_prefixlength', '0'], { signal: ctx.signal })
      await ctx.runner.run('ip', [family, 'rule', 'add', 'not', 'fwmark', String(fwmark), ...lookup], { signal: ctx.signal })
    }
  }
}

/** Turn forwarding on (remembering what was off) or back off (only what we turned on). */
async function applyForwarding (enabled: boolean, ctx: ApplyContext): Promise<void> {
  if (!enabled) {
    for (const key of ctx.forwardingChanged.splice(0)) {
      await ctx.runner.run('sysctl', ['-q', '-w', `${key}=0`], { signal: ctx.signal })
    }
    return
  }
  for (const key of FORWARDING_KEYS) {
    const { stdout } = await ctx.runner.run('sysctl', ['-n', key], { signal: ctx.signal })
    if (stdout.trim() !== '1') {
      await ctx.runner.run('sysctl', ['-q', '-w', `${key}=1`], { signal: ctx.signal })
      ctx.forwardingChanged.push(key)
    }
  }
}

export async function applyLinuxChanges (changes: readonly MeshChange[], ctx: ApplyContext): Promise<void> {
  let start = 0
  while (start < changes.length) {
    ctx.signal?.throwIfAborted()
    const tool = toolOf(changes[start])
    let end = start + 1
    while (end < changes.length && toolOf(changes[end]) === tool) {
      end++
    }
    const group = changes.slice(start, end)
    ctx.log.debug({ tool, changes: group.length }, 'applying')

    if (tool === 'wg') {
      await applyWg(group, ctx)
    } else if (tool === 'ip') {
      await applyIp(group, ctx)
    } else {
      for (const change of group) {
        if (change.type === 'set-policy-routing') {
          await applyRules(change.enabled, ctx)
        } else if (change.type === 'set-forwarding') {
          await applyForwarding(change.enabled, ctx)
        } else if (change.type === 'replace-ruleset') {
          if (change.ruleset.interfaceName !== ctx.layout.interfaceName) {
            throw new MeshConfigError(`rule set is for ${change.ruleset.interfaceName}, not ${ctx.layout.interfaceName}`)
          }
          const script = renderNftScript(change.ruleset, { table: ctx.layout.nftTable, digest: change.digest })
          await ctx.runner.run('nft', ['-f', '-'], { input: script, signal: ctx.signal })
        }
      }
    }
    start = end
  }
}
