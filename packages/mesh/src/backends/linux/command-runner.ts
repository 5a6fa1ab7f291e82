/**
 * Runs the system tools (`ip`, `wg`, `nft`, `sysctl`) without a shell,
 * optionally inside a network namespace through `ip netns exec`, with a
 * timeout, an output cap and an abort signal. Input such as an nft script
 * or an `ip -batch` list goes through stdin, never the command line.
 */
import { execFile, spawn } from 'node:child_process'
import { COMMAND_MAX_OUTPUT, COMMAND_TIMEOUT } from '../../constants.ts'
import { CommandFailedError, InvalidArgumentError } from '../../errors.ts'
import { netnsArg } from './arguments.ts'
import type { ChildProcess } from 'node:child_process'
import type { Logger } from '../../logger.ts'

export interface Binaries {
  ip: string
  wg: string
  nft: string
  sysctl: string
  wireguardGo: string
}

export const DEFAULT_BINARIES: Binaries = { ip: 'ip', wg: 'wg', nft: 'nft', sysctl: 'sysctl', wireguardGo: 'wireguard-go' }

export interface RunOptions {
  /** Written to the command's stdin */
  input?: string
  signal?: AbortSignal
}

export interface CommandResult {
  stdout: string
  stderr: string
}

export class CommandRunner {
  readonly binaries: Binaries
  private readonly netns?: string
  private readonly log: Logger

  constructor (init: { binaries?: Partial<Binaries>, netns?: string, log: Logger }) {
    this.binaries = { ...DEFAULT_BINARIES, ...init.binaries }
    this.netns = init.netns == null ? undefined : netnsArg(init.netns)
    this.log = init.log
  }

  /** The file and arguments to execute, wrapped for the namespace if any. */
  command (tool: keyof Binaries, args: readonly string[]): [string, string[]] {
    for (const arg of args) {
      if (typeof arg !== 'string' || arg.includes('\0')) {
        throw new InvalidArgumentError('argument', 'command arguments must be strings without NUL')
      }
    }
    const file = this.binaries[tool]
    if (this.netns == null) {
      return [file, [...args]]
    }
    return [this.binaries.ip, ['netns', 'exec', this.netns, file, ...args]]
  }

  /** Run a tool to completion; throws `CommandFailedError` on a non-zero exit. */
  async run (tool: keyof Binaries, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    options.signal?.throwIfAborted()
    const [file, argv] = this.command(tool, args)
    const label = `${tool} ${args.slice(0, 4).join(' ')}`
    this.log.trace({ file, args: argv }, 'run')

    return await new Promise<CommandResult>((resolve, reject) => {
      const child = execFile(file, argv, {
        timeout: COMMAND_TIMEOUT,
        maxBuffer: COMMAND_MAX_OUTPUT,
        signal: options.signal,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' }
      }, (err, stdout, stderr) => {
        if (err == null) {
          resolve({ stdout, stderr })
        } else if (options.signal?.aborted === true) {
          reject(options.signal.reason)
        } else {
          const code = typeof err.code === 'number' ? err.code : null
          reject(new CommandFailedError(label, code, stderr === '' ? err.message : stderr))
        }
      })
      child.stdin?.on('error', () => {}) // a tool that exits early closes stdin; the exit code tells
      child.stdin?.end(options.input ?? '')
    })
  }

  /** Start a long-running tool (wireguard-go) in its own process group. */
  spawn (tool: keyof Binaries, args: readonly string[], env: Record<string, string>): ChildProcess {
    const [file, argv] = this.command(tool, args)
    this.log.debug({ file, args: argv }, 'spawn')
    return spawn(file, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  }
}
