/**
 * A small HTTP client for the agent's API. It reads the URL and token from
 * the data directory, so the CLI never needs them on the command line.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AgentNotRunningError, ApiError, CliError } from './errors.ts'
import { httpsRequest } from './https-request.ts'
import type { SimpleResponse } from './https-request.ts'

const REQUEST_TIMEOUT = 30_000

export interface ApiClient {
  url: string
  get<T = any>(path: string): Promise<T>
  post<T = any>(path: string, body?: unknown): Promise<T>
  put<T = any>(path: string, body?: unknown): Promise<T>
  delete<T = any>(path: string, body?: unknown): Promise<T>
}

async function readEndpoint (dataDir: string): Promise<{ url: string, token: string }> {
  let url: string
  try {
    url = (JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8')) as { url: string }).url
  } catch {
    throw new AgentNotRunningError(dataDir)
  }
  let token: string
  try {
    token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim()
  } catch {
    throw new CliError(`Cannot read the API token in ${dataDir}/api-token (run as the user that owns the cell)`, 'ERR_TOKEN_UNREADABLE')
  }
  return { url, token }
}

/** The cell's CA, which an agent serving HTTPS (config `api.tls`) uses for its certificate. */
async function readCellCa (dataDir: string): Promise<string> {
  try {
    return await readFile(join(dataDir, 'vault', 'ca.pem'), 'utf8')
  } catch {
    throw new CliError(`The agent serves HTTPS but the cell CA ${dataDir}/vault/ca.pem is unreadable`, 'ERR_CA_UNREADABLE')
  }
}

export async function connect (dataDir: string): Promise<ApiClient> {
  const { url, token } = await readEndpoint(dataDir)
  const ca = url.startsWith('https:') ? await readCellCa(dataDir) : undefined
  const send = async (target: string, init: { method: string, headers: Record<string, string>, body?: string, signal: AbortSignal }): Promise<SimpleResponse> =>
    ca != null ? httpsRequest(target, { ...init, ca }) : fetch(target, init)

  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: SimpleResponse
    try {
      response = await send(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {})
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT)
      })
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code
      if (code === 'ECONNREFUSED') throw new AgentNotRunningError(dataDir)
      throw new CliError(`Cannot reach the agent at ${url}: ${(err as Error).message}`, 'ERR_UNREACHABLE')
    }

    const text = await response.text()
    let parsed: any
    try {
      parsed = text === '' ? {} : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (!response.ok) {
      const error = parsed?.error ?? {}
      throw new ApiError(response.status, error.code ?? 'ERR_HTTP', error.message ?? `HTTP ${response.status}`)
    }
    return parsed as T
  }

  return {
    url,
    get: async path => request('GET', path),
    post: async (path, body) => request('POST', path, body ?? {}),
    put: async (path, body) => request('PUT', path, body),
    delete: async (path, body) => request('DELETE', path, body)
  }
}
