/**
 * Traffic between agent processes, as the kernel counts it: `ss -tinp`
 * lists each established TCP socket with its owner's pid, bytes sent and
 * data segments sent. Sockets of the agents that connect two libp2p
 * endpoints (a listen port on either side) are summed; API connections
 * from the sim are not. A socket's counters grow until it closes, so each
 * sample adds what every socket sent since the previous sample: a closed
 * socket keeps what was seen of it, and only what it sent after the last
 * sample is lost.
 *
 * `ProcessLinks` is the processes mode's LinkModel: nothing is simulated on
 * real TCP (no latency, jitter or partitions), only counted, so
 * scenarios' "messages" are TCP data segments and "bytes" TCP payload
 * bytes. Gossip transmissions are not visible from outside the agents.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { LinkModel } from '../core/links.ts'
import type { Traffic } from '../core/links.ts'
import type { Random } from '../core/random.ts'

const run = promisify(execFile)
const SS_TIMEOUT = 5_000

interface SocketCount {
  bytes: number
  segments: number
}

interface Socket extends SocketCount {
  key: string
  pid: number
  localPort: number
  peerPort: number
}

/** Parse `ss -tinpH` output: a header line per socket, then an indented line of TCP info. */
export function parseSs (output: string): Socket[] {
  const sockets: Socket[] = []
  let current: Socket | undefined
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue
    if (!/^\s/.test(line)) {
      const ends = /(\S+):(\d+)\s+(\S+):(\d+)\s+users:\(\("[^"]*",pid=(\d+)/.exec(line)
      current = ends == null
        ? undefined
        : { key: `${ends[5]} ${ends[1]}:${ends[2]} ${ends[3]}:${ends[4]}`, pid: Number(ends[5]), localPort: Number(ends[2]), peerPort: Number(ends[4]), bytes: 0, segments: 0 }
      if (current != null) sockets.push(current)
      continue
    }
    if (current == null) continue
    current.bytes = Number(/\bbytes_sent:(\d+)/.exec(line)?.[1] ?? 0)
    current.segments = Number(/\bdata_segs_out:(\d+)/.exec(line)?.[1] ?? 0)
  }
  return sockets
}

export class ProcessLinks extends LinkModel {
  /** Cell index per agent pid */
  private readonly cellOf = new Map<number, number>()
  private readonly p2pPorts = new Set<number>()
  private readonly last = new Map<string, SocketCount>()
  private readonly sentBy: Traffic[]
  /** False when `ss` could not be run: traffic is then unknown (NaN), not zero */
  private available = true

  constructor (cells: number, random: Random) {
    super({ cells, latency: 0, jitter: 0, random })
    this.sentBy = Array.from({ length: cells }, () => ({ messages: 0, bytes: 0 }))
  }

  /** Count the sockets of this agent; `p2pPort` is its libp2p listen port. */
  addAgent (cell: number, pid: number, p2pPort: number): void {
    this.cellOf.set(pid, cell)
    this.p2pPorts.add(p2pPort)
  }

  /** Add what each libp2p socket of the agents sent since the last sample. */
  async sample (): Promise<void> {
    if (!this.available) return
    let output: string
    try {
      output = (await run('ss', ['-tinpH', 'state', 'established'], { timeout: SS_TIMEOUT, maxBuffer: 64 * 2 ** 20 })).stdout
    } catch {
      this.available = false
      return
    }
    const present = new Set<string>()
    for (const socket of parseSs(output)) {
      const cell = this.cellOf.get(socket.pid)
      if (cell == null || !(this.p2pPorts.has(socket.localPort) || this.p2pPorts.has(socket.peerPort))) continue
      present.add(socket.key)
      const before = this.last.get(socket.key) ?? { bytes: 0, segments: 0 }
      this.sentBy[cell].bytes += Math.max(0, socket.bytes - before.bytes)
      this.sentBy[cell].messages += Math.max(0, socket.segments - before.segments)
      this.last.set(socket.key, { bytes: socket.bytes, segments: socket.segments })
    }
    for (const key of this.last.keys()) if (!present.has(key)) this.last.delete(key)
  }

  // Gossip transmissions happen inside the agents' gossipsub, which their
  // API does not count: unknown (NaN), so no check passes on a zero.
  override traffic (cell: number): Traffic {
    if (!this.available) return { messages: Number.NaN, bytes: Number.NaN, transmissions: Number.NaN }
    return { ...this.sentBy[cell], transmissions: Number.NaN }
  }

  override totals (): Traffic {
    if (!this.available) return { messages: Number.NaN, bytes: Number.NaN, transmissions: Number.NaN }
    const sum = this.sentBy.reduce((total, t) => ({ messages: total.messages + t.messages, bytes: total.bytes + t.bytes }), { messages: 0, bytes: 0 })
    return { ...sum, transmissions: Number.NaN }
  }
}
