/**
 * One HTTPS request to an agent whose certificate comes from the cell's own
 * CA. Node's global fetch cannot be given an extra CA without the undici
 * package's dispatcher, so this uses node:https, which takes `ca` directly.
 */
import { request } from 'node:https'

/** Largest response body accepted, so a confused server cannot fill memory. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

export interface HttpsRequestInit {
  method: string
  headers: Record<string, string>
  body?: string
  /** PEM of the CA that issued the server's certificate */
  ca: string
  signal?: AbortSignal
}

export interface SimpleResponse {
  status: number
  ok: boolean
  text(): Promise<string>
}

export async function httpsRequest (url: string, init: HttpsRequestInit): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    // Node sends DELETE bodies without chunked encoding, so without a
    // length the server would read the body as the next request.
    const headers = init.body != null ? { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) } : init.headers
    const req = request(url, { method: init.method, headers, ca: init.ca, signal: init.signal }, res => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`))
          return
        }
        chunks.push(chunk)
      })
      res.on('error', reject)
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status, ok: status >= 200 && status < 300, text: async () => text })
      })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}
