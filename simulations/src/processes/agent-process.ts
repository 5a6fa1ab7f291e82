/**
 * Starts one real agent process (packages/agent/bin/cell-agent.mjs) for the
 * processes mode: a fresh temp data dir holding the cell's seeded identity
 * key and a config written before the first start (memory mesh backend, so
 * no WireGuard interface is ever created), API and libp2p on 127.0.0.1
 * port 0, DNS on 127.0.0.1:0. Every agent started here is registered, so
 * that SIGINT or the sim's exit kills it and removes its directory even if
 * the run fails half-way.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { SimulationError } from '../errors.ts'
import type { Identity } from '../core/identities.ts'
import type { ChildProcess } from 'node:child_process'

const AGENT_BIN = fileURLToPath(new URL('../../../packages/agent/bin/cell-agent.mjs', import.meta.url))
/** How long an agent may take to write api.json (two shared cores, many agents starting). */
const START_TIMEOUT = 60_000
const START_POLL = 50
/** How long a request to an agent's API may take (dozens of agents on two shared cores answer slowly). */
const REQUEST_TIMEOUT = 30_000
/** After SIGTERM, how long an agent may take to stop before SIGKILL. */
const STOP_GRACE = 5_000
/** rm retries: a killed agent may still be closing files in its directory. */
const RM_RETRIES = 5

export interface AgentInit {
  identity: Identity
  /** Periodic anti-entropy sync, whole seconds (0: only on connect) */
  syncIntervalSeconds: number
  /** Whether the agent serves the DHT or only queries it (config p2p.dhtMode) */
  dhtMode: 'client' | 'server'
}

export interface ApiAnswer<T> {
  status: number
  body: T
}

export class AgentProcess {
  readonly identity: Identity
  readonly dataDir: string
  readonly child: ChildProcess
  url = ''
  private token = ''
  private stderrTail = ''

  private constructor (identity: Identity, dataDir: string, child: ChildProcess) {
    this.identity = identity
    this.dataDir = dataDir
    this.child = child
    child.stderr?.on('data', chunk => { this.stderrTail = (this.stderrTail + String(chunk)).slice(-4000) })
  }

  get pid (): number {
    return this.child.pid ?? -1
  }

  /** The last few kB the agent wrote to stderr */
  stderr (): string {
    return this.stderrTail.trim()
  }

  get running (): boolean {
    return this.child.exitCode == null && this.child.signalCode == null
  }

  static async start (init: AgentInit): Promise<AgentProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), `pic-sim-cell-${init.identity.index}-`))
    dirs.add(dataDir)
    watchSignals()
    await writeDataDir(dataDir, init)
    const args = [AGENT_BIN, '--data-dir', dataDir, '--api', '127.0.0.1:0', '--listen', '/ip4/127.0.0.1/tcp/0', '--dns', '127.0.0.1:0', '--no-mdns', '--quiet']
    // The sim itself runs under the project's Node 24; so do the agents.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const agent = new AgentProcess(init.identity, dataDir, child)
    live.add(agent)
    try {
      await agent.waitForApi()
    } catch (err) {
      await agent.stop()
      throw err
    }
    return agent
  }

  /** Call the agent's API with its bearer token; the body is parsed JSON. */
  async api<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    let response: Response
    let text: string
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT)
      })
      text = await response.text()
    } catch (err) {
      const state = this.running ? 'running' : `exited with ${this.child.exitCode ?? this.child.signalCode}`
      throw new SimulationError(`cell ${this.identity.index}: ${method} ${path} failed (agent ${state}): ${(err as Error).message}`, { cause: err })
    }
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch {}
    return { status: response.status, body: parsed as T }
  }

  /** Like api(), but anything other than 2xx is an error naming the cell and the call. */
  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.api<T>(method, path, body)
    if (answer.status < 200 || answer.status >= 300) {
      throw new SimulationError(`cell ${this.identity.index}: ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`)
    }
    return answer.body
  }

  /** SIGTERM, SIGKILL after a bound, then remove the data dir. */
  async stop (): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM')
      const stopped = await Promise.race([exited(this.child).then(() => true), sleep(STOP_GRACE).then(() => false)])
      if (!stopped) {
        this.child.kill('SIGKILL')
        await exited(this.child)
      }
    }
    live.delete(this)
    await rm(this.dataDir, { recursive: true, force: true, maxRetries: RM_RETRIES })
    dirs.delete(this.dataDir)
    unwatchSignalsIfIdle()
  }

  private async waitForApi (): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT
    while (Date.now() < deadline) {
      if (!this.running) throw new SimulationError(`agent of cell ${this.identity.index} exited with ${this.child.exitCode ?? this.child.signalCode}: ${this.stderrTail.trim()}`)
      try {
        const endpoint = JSON.parse(await readFile(join(this.dataDir, 'api.json'), 'utf8')) as { url: string }
        this.token = (await readFile(join(this.dataDir, 'api-token'), 'utf8')).trim()
        this.url = endpoint.url
        return
      } catch {
        // Not written yet.
      }
      await sleep(START_POLL)
    }
    throw new SimulationError(`agent of cell ${this.identity.index} did not start its API within ${START_TIMEOUT / 1000} s: ${this.stderrTail.trim()}`)
  }
}

/**
 * The data dir before the first start: the seeded identity key, so the
 * agent's cell id is the one the scenario knows, and a config whose mesh
 * section selects the memory backend and whose p2p section sets the DHT
 * role asked for.
 */
async function writeDataDir (dataDir: string, init: AgentInit): Promise<void> {
  await writeFile(join(dataDir, 'identity.key'), privateKeyToProtobuf(init.identity.privateKey), { mode: 0o600 })
  const config = {
    cell: { name: `cell-${init.identity.index}` },
    trust: { syncIntervalSeconds: init.syncIntervalSeconds },
    p2p: { dhtMode: init.dhtMode },
    mesh: { backend: 'memory' },
    // Only trouble goes to the log files: every agent writing info lines
    // would be disk and CPU work the measurement does not want.
    logging: { level: 'warn' }
  }
  await writeFile(join(dataDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
}

function exited (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return Promise.resolve()
  return new Promise(resolve => { child.once('exit', () => { resolve() }) })
}

// Every agent not yet stopped and every data dir not yet removed, for the
// exit and SIGINT handlers below.
const live = new Set<AgentProcess>()
const dirs = new Set<string>()
let watching = false

/** Kill every agent started here and remove its directory, synchronously (for 'exit'). */
function killAllNow (): void {
  for (const agent of live) if (agent.running) agent.child.kill('SIGKILL')
  live.clear()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: RM_RETRIES })
  dirs.clear()
}

async function onSigint (): Promise<void> {
  process.stderr.write('\ninterrupted: stopping agent processes\n')
  await stopAllAgents()
  process.exit(130)
}

function sigintListener (): void {
  void onSigint()
}

function watchSignals (): void {
  if (watching) return
  watching = true
  process.on('exit', killAllNow)
  process.on('SIGINT', sigintListener)
}

function unwatchSignalsIfIdle (): void {
  if (!watching || live.size > 0 || dirs.size > 0) return
  watching = false
  process.off('exit', killAllNow)
  process.off('SIGINT', sigintListener)
}

/** Stop every agent still running and remove every data dir (tests' after-hooks, SIGINT). */
export async function stopAllAgents (): Promise<void> {
  await Promise.all([...live].map(async agent => { await agent.stop() }))
  for (const dir of [...dirs]) {
    await rm(dir, { recursive: true, force: true, maxRetries: RM_RETRIES })
    dirs.delete(dir)
  }
  unwatchSignalsIfIdle()
}
