/**
 * The mesh as a wg-quick style configuration, for people who want to read
 * it or compare it with `wg showconf`. The private key is never part of it:
 * it stays in its file and never leaves the cell through the API.
 */
import type { DesiredState } from '@cell/mesh'

export interface PeerLabel {
  name?: string
  cellId: string
}

export function renderWgQuickConfig (desired: DesiredState, publicKey: string, labels: ReadonlyMap<string, PeerLabel>): string {
  const iface = desired.interface
  const lines = [
    `# ${iface.name}: generated from this cell's trust view; edits here are not read back`,
    '[Interface]',
    `# PublicKey = ${publicKey}`,
    '# PrivateKey is withheld: it never leaves the cell',
    `Address = ${iface.addresses.join(', ')}`,
    `ListenPort = ${iface.listenPort}`
  ]
  for (const peer of desired.peers) {
    const label = labels.get(peer.publicKey)
    lines.push('', '[Peer]')
    if (label != null) lines.push(`# ${label.name != null ? `${label.name} ` : ''}${label.cellId}`)
    lines.push(`PublicKey = ${peer.publicKey}`)
    if (peer.allowedIps.length > 0) lines.push(`AllowedIPs = ${peer.allowedIps.join(', ')}`)
    if (peer.endpoint != null) lines.push(`Endpoint = ${peer.endpoint}`)
    if (peer.persistentKeepalive > 0) lines.push(`PersistentKeepalive = ${peer.persistentKeepalive}`)
  }
  return `${lines.join('\n')}\n`
}
