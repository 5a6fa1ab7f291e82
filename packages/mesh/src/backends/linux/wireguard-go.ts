/**
 * The userspace WireGuard implementation, for kernels without the module.
 * wireguard-go runs in the foreground (`-f`) as a child in its own process
 * group, creates a TUN interface, and serves the same UAPI socket the `wg`
 * tool uses, so everything after start is identical to the kernel mode.
 * Deleting the interface makes it exit.
 */
import { once } from 'node:events'
import { USERSPACE_RESTART_DELAY, USERSPACE_START_ATTEMPTS, USERSPACE_START_TIMEOUT, USERSPACE_STOP_TIMEOUT } from '../../constants.ts'
import { WireguardUnavailableError } from '../../errors.ts'
import type { ChildProcess } from 'node:child_process'
import type { Logger } from '../../logger.ts'
import type { CommandRunner } from './command-runner.ts'

const POLL_INTERVAL = 25

/**
 * wireguard-go ended before creating its interface, which is worth another
 * start. Callers see a WireguardUnavailableError with the same code.
 */
class WireguardGoExitedError extends WireguardUnavailableError {
  constructor (message: string) {
    super(message)
    this.name = 'WireguardGoExitedError'
  }
}

async function delay (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

export class UserspaceWireguard {
  private child: ChildProcess | null = null
  private exited: Promise<unknown> | null = null
  private readonly runner: CommandRunner
  private readonly log: Logger

  constructor (runner: CommandRunner, log: Logger) {
    this.runner = runner
    this.log = log
  }

  /** Process id of wireguard-go (or of `ip netns exec`, which execs it). */
  get pid (): number | undefined {
    return this.child?.pid
  }

  /**
   * Start wireguard-go for `name` and wait until `wg` can talk to it. One
   * that exits before creating the interface is started again, a few times:
   * in the test suite's network namespaces it has been seen to exit at once
   * now and then (reason not captured) and to start fine right after.
   */
  async start (name: string, signal?: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce(name, signal)
        return
      } catch (err) {
        if (!(err instanceof WireguardGoExitedError) || attempt >= USERSPACE_START_ATTEMPTS) throw err
        this.log.warn({ err, attempt }, 'wireguard-go exited at start; starting it again: %s', err.message)
        await delay(USERSPACE_RESTART_DELAY)
      }
    }
  }

  private async startOnce (name: string, signal?: AbortSignal): Promise<void> {
    const child = this.runner.spawn('wireguardGo', ['-f', name], { LOG_LEVEL: 'error', WG_PROCESS_FOREGROUND: '1' })
    this.child = child
    let exitCode: number | null | undefined
    this.exited = once(child, 'exit').then(([code]) => { exitCode = code as number | null })
    child.on('error', (err) => { this.log.error({ err }, 'wireguard-go could not be started') })
    // The last words of a wireguard-go that gives up are the only account
    // of why; keep them (bounded) for the error.
    let lastOutput = ''
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString().trim()
      this.log.debug({ output: text }, 'wireguard-go')
      lastOutput = `${lastOutput}\n${text}`.trim().slice(-500)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)

    // Poll with a deadline: wireguard-go signals readiness by nothing but
    // the UAPI socket appearing, which `wg show` is the simplest probe of.
    const deadline = Date.now() + USERSPACE_START_TIMEOUT
    while (Date.now() < deadline) {
      signal?.throwIfAborted()
      if (exitCode !== undefined || child.exitCode != null) {
        // Its output may still be in the pipes when 'exit' fires.
        await Promise.race([once(child, 'close'), delay(200)])
        throw new WireguardGoExitedError(`wireguard-go exited with code ${String(exitCode ?? child.exitCode)} before creating ${name}${lastOutput !== '' ? `: ${lastOutput}` : ''}`)
      }
      try {
        await this.runner.run('wg', ['show', name, 'listen-port'], { signal })
        this.log.info({ pid: child.pid }, 'wireguard-go is up')
        return
      } catch {
        await delay(POLL_INTERVAL)
      }
    }
    await this.stop()
    throw new WireguardUnavailableError(`wireguard-go did not create ${name} within ${USERSPACE_START_TIMEOUT} ms`)
  }

  /** Wait for the process to exit (after the interface is deleted), killing it if it lingers. */
  async stop (): Promise<void> {
    const child = this.child
    if (child == null || this.exited == null) {
      return
    }
    this.child = null
    if (child.exitCode == null && child.signalCode == null) {
      const timer = setTimeout(() => { this.kill(child, 'SIGKILL') }, USERSPACE_STOP_TIMEOUT)
      this.kill(child, 'SIGTERM')
      await this.exited
      clearTimeout(timer)
    }
  }

  /** Leave wireguard-go running after we exit (the interface is kept). */
  detach (): void {
    this.child?.stdout?.destroy()
    this.child?.stderr?.destroy()
    this.child?.unref()
    this.child = null
  }

  private kill (child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      child.kill(signal)
    } catch (err) {
      this.log.debug({ err }, 'wireguard-go already gone')
    }
  }
}
