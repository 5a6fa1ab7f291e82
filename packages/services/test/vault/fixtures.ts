/**
 * Builders shared by the vault specs: temp dirs, directory snapshots, the
 * openssl and curl command lines, and a mutual-TLS round trip.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { connect, createServer } from 'node:tls'
import type { AddressInfo } from 'node:net'
import type { ConnectionOptions, TLSSocket, TlsOptions } from 'node:tls'
import type { X509Certificate } from 'node:crypto'
import { Vault } from '../../src/vault/index.ts'

/** A fresh temp dir; remove it with `removeDir` in an after hook. */
export async function makeTempDir (prefix = 'vault-test-'): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix))
}

/** Remove a temp dir made by `makeTempDir`. */
export async function removeDir (dir: string | undefined): Promise<void> {
  if (dir != null) await rm(dir, { recursive: true, force: true })
}

/** Write `text` to `dir/name` and return the path (for handing PEMs to openssl). */
export async function writeTemp (dir: string, name: string, text: string | Uint8Array): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

/** Every file under `dir` with its SHA-256 and mode, keyed by relative path. */
export async function snapshot (dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>()
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      const info = await stat(path)
      if (entry.isDirectory()) {
        result.set(relative(dir, path) + '/', `dir ${info.mode.toString(8)}`)
        await walk(path)
      } else {
        const hash = createHash('sha256').update(await readFile(path)).digest('hex')
        result.set(relative(dir, path), `${hash} ${info.mode.toString(8)} ${info.mtimeMs}`)
      }
    }
  }
  await walk(dir)
  return result
}

/** Result of running a command: exit code and output, never throwing on a non-zero exit. */
export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Run a command with arguments (no shell). */
export async function run (command: string, args: string[]): Promise<RunResult> {
  return await new Promise(resolve => {
    execFile(command, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err == null ? 0 : typeof err.code === 'number' ? err.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

/** Outcome of one mutual-TLS attempt. */
export interface MtlsResult {
  ok: boolean
  /** The client certificate the server saw, when the handshake completed. */
  clientCert?: X509Certificate
  /** Why the handshake failed on the server side, if node reported it (it does not for a rejected client certificate). */
  serverError?: Error
  clientError?: Error
}

/**
 * Start a TLS server with `serverOptions`, connect with `clientOptions`,
 * and report whether the server accepted the client and echoed "ok".
 * Resolves when either side gave up; the server is closed before returning.
 */
export async function mutualTls (serverOptions: TlsOptions, clientOptions: ConnectionOptions): Promise<MtlsResult> {
  const result: MtlsResult = { ok: false }
  const server = createServer(serverOptions, (socket: TLSSocket) => {
    result.clientCert = socket.getPeerX509Certificate()
    socket.end('ok\n')
  })
  server.on('tlsClientError', err => { result.serverError ??= err })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  try {
    await new Promise<void>(resolve => {
      const socket = connect({ ...clientOptions, host: '127.0.0.1', port })
      let data = ''
      socket.setEncoding('utf8')
      socket.on('data', chunk => { data += chunk })
      socket.on('error', err => { result.clientError = err })
      socket.on('close', () => {
        result.ok = data === 'ok\n'
        resolve()
      })
    })
  } finally {
    await new Promise(resolve => server.close(resolve))
  }
  return result
}

export interface TestVault {
  dir: string
  /** A scratch directory for PEM files handed to openssl */
  work: string
  vault: Vault
  /** The vault's CA certificate, written to `work` */
  caPath: string
  /** Remove both directories; close the vault (or its reopened successor) first */
  removeDirs(): Promise<void>
}

/** A fresh vault named alice with its CA written out, for before-hooks. */
export async function openTestVault (): Promise<TestVault> {
  const dir = await makeTempDir()
  const work = await makeTempDir('vault-work-')
  const vault = new Vault({ dir, name: 'alice' })
  await vault.open()
  const caPath = await writeTemp(work, 'ca.pem', vault.caPem())
  return {
    dir,
    work,
    vault,
    caPath,
    removeDirs: async () => {
      await removeDir(dir)
      await removeDir(work)
    }
  }
}
