/**
 * Shared pieces of the vault and DNS tests: agents with a chosen cell name
 * and DNS on a free port, and the real `dig` and `openssl` clients.
 */
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startAgent, tempDataDir } from '../fixtures/agent-process.ts'
import type { AgentHandle, AgentOptions } from '../fixtures/agent-process.ts'

export interface RunResult { code: number, stdout: string, stderr: string }

export async function run (command: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise(resolve => {
    const child = execFile(command, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err == null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
    if (input != null) child.stdin?.end(input)
  })
}

/** An agent whose config names it `name` (and sets `config` besides), with DNS on 127.0.0.1 port 0. */
export async function namedAgent (name: string, options: AgentOptions & { config?: Record<string, unknown> } = {}): Promise<AgentHandle> {
  const dataDir = options.dataDir ?? await tempDataDir(name)
  await writeFile(join(dataDir, 'config.json'), JSON.stringify({ cell: { name }, ...options.config }))
  return startAgent({ ...options, dataDir, args: ['--dns', '127.0.0.1:0', ...(options.args ?? [])] })
}

/** The port the agent's DNS server listens on, from /api/network/info. */
export async function dnsPort (agent: AgentHandle): Promise<number> {
  const { body } = await agent.api('GET', '/api/network/info')
  return body.dns.address.port
}

export interface DigAnswer { status: string, answers: string[] }

/** `dig @127.0.0.1 -p PORT NAME TYPE`: the rcode and the answer data. */
export async function dig (port: number, name: string, type: string, extra: string[] = []): Promise<DigAnswer> {
  const result = await run('dig', ['@127.0.0.1', '-p', String(port), name, type, '+time=2', '+tries=1', '+noall', '+comments', '+answer', ...extra])
  const status = /status: ([A-Z]+)/.exec(result.stdout)?.[1] ?? `dig failed: ${result.stdout}${result.stderr}`
  const answers = result.stdout.split('\n')
    .filter(line => line !== '' && !line.startsWith(';'))
    .map(line => line.split(/\s+/).slice(4).join(' '))
  return { status, answers }
}
