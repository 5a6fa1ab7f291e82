/**
 * Query throughput of the cell DNS server against dnsmasq, serving the same
 * zone over loopback in the same run.
 *
 * The zone has CELLS cells, each with an A and an AAAA record. Our server
 * gets them through setCells (in this process); dnsmasq gets the same
 * names from an --addn-hosts file. dnsperf (one client, 100 queries
 * outstanding, its defaults) replays a query file of every A and AAAA
 * question for SECONDS against one server, then the other, alternating for
 * ROUNDS rounds so background load hits both alike. Reported: median qps of
 * each, and our median divided by dnsmasq's (the goal is >= 0.5).
 *
 *   npx node bench/dns-perf.ts [seconds=10] [rounds=3]
 */
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DnsServer } from '../packages/services/src/index.ts'
import { median, report } from './stats.ts'

const seconds = Number(process.argv[2] ?? 10)
const rounds = Number(process.argv[3] ?? 3)
const CELLS = 1000

function cells (): Array<{ cellId: string, name: string, ipv4: string, ipv6: string, distance: number }> {
  return Array.from({ length: CELLS }, (_, i) => ({
    cellId: `12D3KooWBench${String(i).padStart(20, '0')}`,
    name: `cell${i}`,
    ipv4: `100.64.${i >> 8}.${(i & 0xff) + 1 > 254 ? 254 : (i & 0xff) + 1}`,
    ipv6: `fdab:bf08:7a36::${(i + 1).toString(16)}`,
    distance: 1
  }))
}

/** A port free for both UDP and TCP right now, for dnsmasq. */
async function freePort (): Promise<number> {
  const udp = createSocket('udp4')
  await new Promise<void>(resolve => { udp.bind(0, '127.0.0.1', resolve) })
  const port = udp.address().port
  const tcp = createServer()
  await new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen(port, '127.0.0.1', resolve) })
  await new Promise<void>(resolve => { tcp.close(() => { resolve() }) })
  udp.close()
  return port
}

async function dnsperf (port: number, queryFile: string): Promise<{ qps: number, lost: number }> {
  const child = spawn('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', chunk => { output += String(chunk) })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(output)?.[1])
  const lost = Number(/Queries lost:\s+\d+ \(([\d.]+)%\)/.exec(output)?.[1])
  if (code !== 0 || Number.isNaN(qps)) throw new Error(`dnsperf failed (${code}):\n${output}`)
  return { qps, lost }
}

async function waitForAnswer (port: number): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    const answered = await new Promise<boolean>(resolve => {
      spawn('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', 'cell0.cell', 'A'])
        .on('close', code => { resolve(code === 0) })
    })
    if (answered) return
  }
  throw new Error(`nothing answers on port ${port}`)
}

const dir = await mkdtemp(join(tmpdir(), 'cell-dns-bench-'))
const zone = cells()
const hostsFile = join(dir, 'hosts')
const queryFile = join(dir, 'queries')
await writeFile(hostsFile, zone.flatMap(cell => [`${cell.ipv4} ${cell.name}.cell`, `${cell.ipv6} ${cell.name}.cell`]).join('\n') + '\n')
await writeFile(queryFile, zone.flatMap(cell => [`${cell.name}.cell A`, `${cell.name}.cell AAAA`]).join('\n') + '\n')

const server = new DnsServer({ host: '127.0.0.1', port: 0 })
await server.start()
server.setCells(zone)
const ours = server.address().port

const dnsmasqPort = await freePort()
const dnsmasq = spawn('dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--pid-file=', `--port=${dnsmasqPort}`,
  '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`], { stdio: 'ignore' })
const stopDnsmasq = (): void => { dnsmasq.kill('SIGTERM') }
process.on('exit', stopDnsmasq)

try {
  await waitForAnswer(ours)
  await waitForAnswer(dnsmasqPort)

  const cellQps: number[] = []
  const dnsmasqQps: number[] = []
  for (let round = 0; round < rounds; round++) {
    const a = await dnsperf(ours, queryFile)
    const b = await dnsperf(dnsmasqPort, queryFile)
    cellQps.push(a.qps)
    dnsmasqQps.push(b.qps)
    process.stdout.write(`round ${round + 1}: cell ${a.qps.toFixed(0)} qps (${a.lost}% lost), dnsmasq ${b.qps.toFixed(0)} qps (${b.lost}% lost)\n`)
  }

  const ratio = median(cellQps) / median(dnsmasqQps)
  report('DNS throughput over loopback', [
    ['cell DnsServer qps', Math.round(median(cellQps)), `runs: ${cellQps.map(q => q.toFixed(0)).join(', ')}`],
    ['dnsmasq qps', Math.round(median(dnsmasqQps)), `runs: ${dnsmasqQps.map(q => q.toFixed(0)).join(', ')}`],
    ['ratio cell / dnsmasq', Number(ratio.toFixed(2)), ratio >= 0.5 ? 'goal >= 0.5 met' : 'goal >= 0.5 NOT met']
  ], `dnsperf -l ${seconds}, ${rounds} alternating rounds, ${CELLS} cells x A+AAAA, medians`)
} finally {
  stopDnsmasq()
  await new Promise(resolve => { if (dnsmasq.exitCode !== null) resolve(null); else dnsmasq.once('exit', resolve) })
  await server.stop()
  await rm(dir, { recursive: true, force: true })
}
