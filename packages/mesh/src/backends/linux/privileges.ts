/**
 * Whether this process can run the Linux backend: it needs CAP_NET_ADMIN
 * (root has it) to create interfaces, routes and rules, /dev/net/tun for
 * wireguard-go, and the `ip` and `wg` tools.
 */
import { constants } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/** CAP_NET_ADMIN is capability number 12 (linux/capability.h). */
const CAP_NET_ADMIN = 12n

export interface PrivilegeReport {
  /** Whether the Linux backend can be expected to start */
  canRunLinux: boolean
  root: boolean
  capNetAdmin: boolean
  tun: boolean
  tools: { ip: boolean, wg: boolean, nft: boolean, wireguardGo: boolean }
  /** Why `canRunLinux` is false, one reason per missing piece */
  reasons: string[]
}

async function onPath (tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/sbin', '/sbin')) {
    if (dir === '') continue
    try {
      await access(join(dir, tool), constants.X_OK)
      return true
    } catch {}
  }
  return false
}

async function effectiveCapabilities (): Promise<bigint> {
  try {
    const status = await readFile('/proc/self/status', 'utf8')
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1]
    return hex == null ? 0n : BigInt(`0x${hex}`)
  } catch {
    return 0n
  }
}

export async function detectPrivileges (): Promise<PrivilegeReport> {
  const root = process.getuid?.() === 0
  const capNetAdmin = ((await effectiveCapabilities() >> CAP_NET_ADMIN) & 1n) === 1n
  let tun = false
  try {
    await access('/dev/net/tun', constants.R_OK | constants.W_OK)
    tun = true
  } catch {}
  const tools = { ip: await onPath('ip'), wg: await onPath('wg'), nft: await onPath('nft'), wireguardGo: await onPath('wireguard-go') }

  const reasons: string[] = []
  if (process.platform !== 'linux') reasons.push(`platform is ${process.platform}, not linux`)
  if (!capNetAdmin) reasons.push('process lacks CAP_NET_ADMIN (run as root or grant the capability)')
  if (!tun) reasons.push('/dev/net/tun is missing or not writable')
  if (!tools.ip) reasons.push('the ip tool (iproute2) is not installed')
  if (!tools.wg) reasons.push('the wg tool (wireguard-tools) is not installed')
  if (!tools.nft) reasons.push('the nft tool (nftables) is not installed')
  return { canRunLinux: reasons.length === 0, root, capNetAdmin, tun, tools, reasons }
}
