/**
 * Join to first ping over the overlay, between two agent processes in
 * network namespaces (Linux backend, wireguard-go). Target < 1 s.
 *
 * Setup: namespaces A and B on one bridge (test/fixtures/netns.ts), an
 * agent in each; B bootstraps from A, so libp2p is connected before the
 * clock starts. Each run uses a fresh B (namespace, data dir, key).
 *
 * Measured: from just before `POST /api/trust/join` is sent to B (through
 * `ip netns exec B curl`, as the CLI would) until the first echo reply
 * from B's overlay IPv4 reaches A. A `ping -D -i 0.02` runs in A's
 * namespace from before the join and prints the kernel timestamp of every
 * reply; packets sent before the tunnel exists fail at once (no peer).
 * Covers: invite redemption, attestations both ways, the trust:changed
 * debounce, desired state + `wg set`/`ip`/`nft` on both cells, and the
 * WireGuard handshake. Median over the runs.
 *
 * Run as root: npx node bench/mesh-join-to-ping.ts
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { stopAll } from '../test/fixtures/agent-process.ts'
import { NetnsLab, netnsSkipReason } from '../test/fixtures/netns.ts'
import { median, report } from './stats.ts'
import type { NetnsAgent } from '../test/fixtures/netns.ts'

const RUNS = 5
const PING_DEADLINE = 10_000

/** Resolve with the wall-clock time (ms) of the first echo reply from `address`. */
function firstReply (ns: string, address: string): { reply: Promise<number>, stop: () => void } {
  const child = spawn('ip', ['netns', 'exec', ns, 'ping', '-n', '-D', '-i', '0.02', '-W', '1', '-w', String(PING_DEADLINE / 1000), address],
    { stdio: ['ignore', 'pipe', 'ignore'] })
  const reply = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', line => {
      const match = /^\[(\d+\.\d+)\] \d+ bytes from/.exec(line)
      if (match != null) resolve(Number(match[1]) * 1000)
    })
    child.on('exit', () => { reject(new Error(`no reply from ${address} within ${PING_DEADLINE} ms`)) })
  })
  return { reply, stop: () => { child.kill('SIGKILL') } }
}

async function overlayIpv4 (agent: NetnsAgent): Promise<string> {
  const { body } = await agent.api('GET', '/api/trust/cells')
  return body.cells.find((cell: any) => cell.cellId === agent.cellId).overlay.ipv4
}

async function main (): Promise<void> {
  const reason = await netnsSkipReason()
  if (reason != null) {
    process.stdout.write(`skipped: ${reason}\n`)
    return
  }
  const lab = new NetnsLab()
  try {
    const nsA = await lab.namespace('a')
    await lab.plug(nsA, 'eth0', '10.98.0.1/24')
    const mesh = (label: string): Record<string, unknown> => ({ backend: 'linux', wireguard: 'userspace', interfaceName: lab.interfaceName(label) })
    const a = await lab.agent(nsA, { mesh: mesh('a') })
    const bootstrap = ((await a.api('GET', '/api/identity')).body.multiaddrs as string[]).filter(address => address.startsWith('/ip4/10.98.0.1/'))

    const times: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const nsB = await lab.namespace(`b${run}`)
      await lab.plug(nsB, 'eth0', `10.98.0.${10 + run}/24`)
      const b = await lab.agent(nsB, { mesh: mesh(`b${run}`), bootstrap })
      const target = await overlayIpv4(b)
      const { body: invite } = await a.api('POST', '/api/trust/invites', {})

      const ping = firstReply(nsA, target)
      const started = Date.now()
      const joined = await b.api('POST', '/api/trust/join', { token: invite.token })
      if (joined.status !== 200) throw new Error(`join failed: ${JSON.stringify(joined.body)}`)
      try {
        times.push(await ping.reply - started)
      } finally {
        ping.stop()
      }
      await b.handle.stop()
    }

    report('mesh: join to first overlay ping', [
      ['median (ms)', median(times), 'target < 1000'],
      ['min (ms)', Math.min(...times)],
      ['max (ms)', Math.max(...times)],
      ['runs', times.length]
    ], 'POST /api/trust/join on a fresh cell B → first ICMP echo reply from B\'s overlay IPv4 seen by `ping -D -i 0.02` in A\'s namespace; two agent processes, wireguard-go')
    process.stdout.write(`  each run (ms): ${times.map(t => Math.round(t)).join(', ')}\n`)
  } finally {
    await lab.cleanup()
    await stopAll()
  }
}

await main()
