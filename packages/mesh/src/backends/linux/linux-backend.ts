/**
 * The mesh on a Linux machine: kernel WireGuard where `ip link add type
 * wireguard` works, wireguard-go otherwise, configured with `wg` and `ip`,
 * filtered with one nftables table.
 *
 * Ownership: the cell touches only what it created and can recognise
 * later: its interface (tagged with an alias), routes through that
 * interface, its own routing table, its two policy rules (found by their
 * priorities) and its nftables table. Forwarding switches are restored on
 * stop only if the cell turned them on.
 */
import {
  DEFAULT_FWMARK, DEFAULT_INTERFACE_NAME, DEFAULT_NFT_TABLE, DEFAULT_ROUTE_TABLE, DEFAULT_RULE_PRIORITY, INTERFACE_ALIAS
} from '../../constants.ts'
import { BackendNotStartedError, InsufficientPrivilegesError, InterfaceBusyError, WireguardUnavailableError } from '../../errors.ts'
import { componentLogger } from '../../logger.ts'
import { renderNftTeardown } from '../../nft/render.ts'
import { interfaceNameArg, integerArg } from './arguments.ts'
import { applyLinuxChanges } from './apply-changes.ts'
import { CommandRunner } from './command-runner.ts'
import { detectPrivileges } from './privileges.ts'
import { readLinuxState } from './read-state.ts'
import { parseWgDump } from './wg-dump.ts'
import { UserspaceWireguard } from './wireguard-go.ts'
import type { Logger } from '../../logger.ts'
import type { AbortOptions, MeshBackend, MeshChange, MeshState, MeshStatus, StopOptions } from '../../types.ts'
import type { Binaries } from './command-runner.ts'
import type { LinuxLayout } from './read-state.ts'

export type WireguardMode = 'kernel' | 'userspace'

export interface LinuxBackendInit {
  /** WireGuard interface name (default `pic0`) */
  interfaceName?: string
  /** 'auto' tries the kernel module, then wireguard-go (default 'auto') */
  mode?: 'auto' | WireguardMode
  /** Run every command inside this network namespace (`ip netns exec`) */
  netns?: string
  /** The cell's own routing table for exit and split routes (default 51820) */
  routeTable?: number
  /** Mark on WireGuard's own packets (default 51820) */
  fwmark?: number
  /** Priority of the first policy rule; the second uses the next (default 32700) */
  rulePriority?: number
  /** Name of the cell's `inet` nftables table (default `pic`) */
  nftTable?: string
  /** Paths of the tools, for systems where they are not on PATH */
  binaries?: Partial<Binaries>
  log?: Logger
}

interface IpLink { ifalias?: string, linkinfo?: { info_kind?: string } }

export class LinuxBackend implements MeshBackend {
  readonly name = 'linux'
  private readonly runner: CommandRunner
  private readonly log: Logger
  private readonly mode: 'auto' | WireguardMode
  private readonly layout: LinuxLayout & { fwmark: number }
  private readonly userspace: UserspaceWireguard
  private activeMode: WireguardMode | null = null
  /** Forwarding switches the cell turned on and must turn off again */
  private readonly forwardingChanged: string[] = []

  constructor (init: LinuxBackendInit = {}) {
    this.log = componentLogger(init.log, 'mesh:linux')
    this.runner = new CommandRunner({ binaries: init.binaries, netns: init.netns, log: this.log })
    this.mode = init.mode ?? 'auto'
    this.layout = {
      interfaceName: interfaceNameArg(init.interfaceName ?? DEFAULT_INTERFACE_NAME),
      routeTable: Number(integerArg(init.routeTable ?? DEFAULT_ROUTE_TABLE, 1, 0xfffffffe, 'routeTable')),
      fwmark: Number(integerArg(init.fwmark ?? DEFAULT_FWMARK, 1, 0xffffffff, 'fwmark')),
      rulePriority: Number(integerArg(init.rulePriority ?? DEFAULT_RULE_PRIORITY, 1, 32764, 'rulePriority')),
      nftTable: init.nftTable ?? DEFAULT_NFT_TABLE,
      privateKeyPath: null
    }
    this.userspace = new UserspaceWireguard(this.runner, this.log)
  }

  /** 'kernel' or 'userspace' once started. */
  get wireguardMode (): WireguardMode | null {
    return this.activeMode
  }

  /** Process id of wireguard-go when this backend started it. */
  get userspacePid (): number | undefined {
    return this.userspace.pid
  }

  async start (options: AbortOptions = {}): Promise<void> {
    if (this.activeMode != null) {
      return
    }
    const name = this.layout.interfaceName
    const privileges = await detectPrivileges()
    if (!privileges.capNetAdmin) {
      throw new InsufficientPrivilegesError(`cannot manage ${name}: ${privileges.reasons.join('; ')}`)
    }
    const existing = await this.readLink(options.signal)
    if (existing != null) {
      // Ours from an earlier run (the alias says so): adopt it as it is.
      if (existing.ifalias !== INTERFACE_ALIAS) {
        throw new InterfaceBusyError(name)
      }
      this.activeMode = existing.linkinfo?.info_kind === 'wireguard' ? 'kernel' : 'userspace'
      this.log.info({ interface: name, mode: this.activeMode }, 'adopted the interface of an earlier run')
    } else {
      this.activeMode = await this.createInterface(options.signal)
      await this.runner.run('ip', ['link', 'set', 'dev', name, 'alias', INTERFACE_ALIAS], options)
    }
    await this.runner.run('wg', ['set', name, 'fwmark', String(this.layout.fwmark)], options)
    await this.runner.run('ip', ['link', 'set', 'dev', name, 'up'], options)
    this.log.info({ interface: name, mode: this.activeMode }, 'WireGuard interface is up')
  }

  async stop (options: StopOptions = {}): Promise<void> {
    if (this.activeMode == null) {
      return
    }
    const name = this.layout.interfaceName
    if (options.removeInterface ?? true) {
      await this.removeOwned()
      await this.userspace.stop()
      this.log.info({ interface: name }, 'removed the interface, routes, rules and table of the cell')
    } else {
      this.userspace.detach()
      this.log.info({ interface: name }, 'left the interface in place')
    }
    this.activeMode = null
  }

  async getState (options: AbortOptions = {}): Promise<MeshState> {
    this.assertStarted()
    return await readLinuxState(this.runner, this.layout, options.signal)
  }

  async apply (changes: readonly MeshChange[], options: AbortOptions = {}): Promise<void> {
    this.assertStarted()
    await applyLinuxChanges(changes, {
      runner: this.runner,
      layout: this.layout,
      forwardingChanged: this.forwardingChanged,
      log: this.log,
      signal: options.signal
    })
  }

  async status (options: AbortOptions = {}): Promise<MeshStatus> {
    const running = this.activeMode != null
    const dump = running ? parseWgDump((await this.runner.run('wg', ['show', this.layout.interfaceName, 'dump'], options)).stdout) : null
    return {
      backend: this.name,
      mode: this.activeMode ?? 'stopped',
      running,
      interfaceName: this.layout.interfaceName,
      listenPort: dump?.listenPort ?? null,
      peers: (dump?.peers ?? []).map(({ publicKey, endpoint, latestHandshake, rxBytes, txBytes }) => ({
        publicKey, endpoint, latestHandshake, rxBytes, txBytes
      }))
    }
  }

  private assertStarted (): void {
    if (this.activeMode == null) {
      throw new BackendNotStartedError()
    }
  }

  private async readLink (signal?: AbortSignal): Promise<IpLink | null> {
    try {
      const { stdout } = await this.runner.run('ip', ['-j', '-d', 'link', 'show', 'dev', this.layout.interfaceName], { signal })
      return (JSON.parse(stdout) as IpLink[])[0] ?? null
    } catch (err) {
      signal?.throwIfAborted()
      return null
    }
  }

  private async createInterface (signal?: AbortSignal): Promise<WireguardMode> {
    const name = this.layout.interfaceName
    if (this.mode !== 'userspace') {
      try {
        await this.runner.run('ip', ['link', 'add', 'dev', name, 'type', 'wireguard'], { signal })
        return 'kernel'
      } catch (err) {
        if (this.mode === 'kernel') {
          throw new WireguardUnavailableError(`kernel WireGuard is unavailable: ${(err as Error).message}`)
        }
        this.log.info('kernel WireGuard is unavailable, starting wireguard-go')
      }
    }
    await this.userspace.start(name, signal)
    return 'userspace'
  }

  /** Remove everything the cell owns; each step is tried even if one fails. */
  private async removeOwned (): Promise<void> {
    const { interfaceName, routeTable, rulePriority, nftTable } = this.layout
    const steps: Array<[string, () => Promise<unknown>]> = []
    for (const family of ['-4', '-6']) {
      steps.push([`${family} lookup rule`, async () => await this.runner.run('ip', [family, 'rule', 'del', 'priority', String(rulePriority + 1), 'table', String(routeTable)])])
      steps.push([`${family} suppress rule`, async () => await this.runner.run('ip', [family, 'rule', 'del', 'priority', String(rulePriority), 'table', 'main'])])
      steps.push([`${family} route table`, async () => await this.runner.run('ip', [family, 'route', 'flush', 'table', String(routeTable), 'dev', interfaceName])])
    }
    steps.push(['nftables table', async () => await this.runner.run('nft', ['-f', '-'], { input: renderNftTeardown(nftTable) })])
    for (const key of this.forwardingChanged.splice(0)) {
      steps.push([key, async () => await this.runner.run('sysctl', ['-q', '-w', `${key}=0`])])
    }
    steps.push(['interface', async () => await this.runner.run('ip', ['link', 'del', 'dev', interfaceName])])
    for (const [what, step] of steps) {
      try {
        await step()
      } catch (err) {
        this.log.debug({ err, what }, 'nothing to remove')
      }
    }
  }
}
