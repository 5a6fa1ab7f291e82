/**
 * Which mesh backend a cell runs. `auto` takes the Linux backend when the
 * process can run it (CAP_NET_ADMIN, /dev/net/tun, the tools) and falls
 * back to the memory backend otherwise, saying why, so an unprivileged
 * cell still computes and reports its mesh instead of failing to start.
 */
import { LinuxBackend, MemoryBackend, detectPrivileges } from '@cell/mesh'
import type { MeshConfig } from './config-schema.ts'
import type { MeshBackend, PrivilegeReport } from '@cell/mesh'
import type { Logger } from 'pino'

export interface BackendChoice {
  backend: MeshBackend
  /** Why the memory backend runs; null for the Linux backend */
  memoryReason: string | null
}

export async function chooseBackend (settings: MeshConfig, log: Logger, probe: () => Promise<PrivilegeReport> = detectPrivileges): Promise<BackendChoice> {
  let memoryReason: string | null = null
  if (settings.backend === 'memory') {
    memoryReason = 'mesh.backend is "memory" in the config'
  } else if (settings.backend === 'auto') {
    const privileges = await probe()
    if (!privileges.canRunLinux) memoryReason = privileges.reasons.join('; ')
  }

  if (memoryReason != null) {
    return { backend: new MemoryBackend({ interfaceName: settings.interfaceName }), memoryReason }
  }
  const backend = new LinuxBackend({ interfaceName: settings.interfaceName, mode: settings.wireguard === 'auto' ? 'auto' : settings.wireguard, log })
  return { backend, memoryReason: null }
}
