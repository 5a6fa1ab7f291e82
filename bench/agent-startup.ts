/**
 * Cold start of `cell start` to a ready `/health`, and the resident memory
 * of an idle agent.
 *
 * Each run spawns `cell start` (the CLI, which spawns the agent) on a data
 * dir, polls `/health` every 10 ms, and records the time from spawn to the
 * first 200. Then it waits 3 s with no traffic and reads VmRSS of the agent
 * process from /proc. "first" runs create a new data dir (keys, config,
 * database); "warm" runs reuse one. Medians are reported.
 *
 *   npx node bench/agent-startup.ts [runs]
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, report } from './stats.ts'

const CELL_BIN = fileURLToPath(new URL('../packages/cli/bin/cell.mjs', import.meta.url))
const runs = Number(process.argv[2] ?? 7)

async function once (dataDir: string): Promise<{ readyMs: number, rssMb: number }> {
  await rm(join(dataDir, 'api.json'), { force: true })
  // The memory mesh backend: run as root, the default would build a real
  // WireGuard interface in this machine's namespace, which is not what is
  // being measured (and not something a benchmark should touch).
  await writeFile(join(dataDir, 'config.json'), '{"mesh":{"backend":"memory"}}\n', { flag: 'wx' }).catch(() => {})
  const started = performance.now()
  const child = spawn(process.execPath, [CELL_BIN, '--data-dir', dataDir, 'start', '--api', '127.0.0.1:0',
    '--listen', '/ip4/127.0.0.1/tcp/0', '--dns', '127.0.0.1:0', '--no-mdns', '--quiet'], { stdio: 'ignore' })

  let readyMs = NaN
  let pid = 0
  for (let attempt = 0; attempt < 3000 && Number.isNaN(readyMs); attempt++) {
    try {
      const endpoint = JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8')) as { url: string, pid: number }
      const response = await fetch(`${endpoint.url}/health`)
      if (response.status === 200) {
        readyMs = performance.now() - started
        pid = endpoint.pid
      }
    } catch {}
    if (Number.isNaN(readyMs)) await new Promise(resolve => setTimeout(resolve, 10))
  }

  await new Promise(resolve => setTimeout(resolve, 3000))
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)

  child.kill('SIGTERM')
  await new Promise(resolve => child.once('exit', resolve))
  return { readyMs, rssMb: rssKb / 1024 }
}

const warmDir = await mkdtemp(join(tmpdir(), 'cell-bench-warm-'))
const first: number[] = []
const warm: number[] = []
const rss: number[] = []
for (let i = 0; i < runs; i++) {
  const coldDir = await mkdtemp(join(tmpdir(), 'cell-bench-cold-'))
  first.push((await once(coldDir)).readyMs)
  await rm(coldDir, { recursive: true, force: true })

  const result = await once(warmDir)
  warm.push(result.readyMs)
  rss.push(result.rssMb)
}
await rm(warmDir, { recursive: true, force: true })

report('agent start-up', [
  ['first start (new data dir) to /health, ms', median(first), 'target < 1000'],
  ['restart (existing data dir) to /health, ms', median(warm), 'target < 1000'],
  ['idle agent RSS after 3 s, MB', median(rss), 'target < 100']
], `${runs} runs each, median; node ${process.version}`)
