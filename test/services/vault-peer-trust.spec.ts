/**
 * Peer CAs follow the web of trust between two real agents: A and B attest
 * each other for mesh and files, A fetches B's CA over libp2p and accepts it
 * for exactly the scopes it trusts B for; a TLS server holding an A-issued
 * certificate and trusting what A accepts for `files` completes mutual TLS
 * with openssl presenting a B-issued client certificate; after A revokes B
 * the CA is gone and the same handshake is refused; trusting B again for
 * mesh alone brings the CA back for mesh and not for mail. A third cell
 * that trusts B, but is not trusted by B, is refused B's CA.
 *
 * Trust comes from attestations rather than an invite: redeeming an invite
 * makes each side a verified cell of the other, and verified cells count in
 * every scope (docs/trust-model.md), which would leave no scope to refuse.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createServer } from 'node:tls'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:tls'

interface PeerCaBody { cellId: string, scopes: string[], fingerprint: string, subject: string, acceptedAt: string, caPem: string }

/** What a TLS server saw of one connection attempt. */
type Outcome = { ok: true, peer: X509Certificate } | { ok: false, error: string }

async function peerCas (agent: AgentHandle, scope?: string): Promise<PeerCaBody[]> {
  const { status, body } = await agent.api('GET', `/api/vault/trust/cas${scope != null ? `?scope=${scope}` : ''}`)
  assert.equal(status, 200, JSON.stringify(body))
  return body.cas
}

async function issue (agent: AgentHandle, body: Record<string, unknown>): Promise<{ certPem: string, keyPem: string, caPem: string }> {
  const { status, body: issued } = await agent.api('POST', '/api/vault/certificates', body)
  assert.equal(status, 201, JSON.stringify(issued))
  return issued
}

interface SClient {
  /** Close stdin (s_client then closes the connection) and wait for the exit code */
  finish(): Promise<number | null>
  output(): string
}

/**
 * `openssl s_client` with a client certificate, verifying the server against
 * `ca` and its IP SAN. It stays connected until `finish()`: in TLS 1.3 the
 * client's handshake ends before the server has judged its certificate, so
 * hanging up at once would race the server's verdict.
 */
function sClient (port: number, files: { cert: string, key: string, ca: string }): SClient {
  const child = spawn('openssl', [
    's_client', '-connect', `127.0.0.1:${port}`, '-cert', files.cert, '-key', files.key,
    '-CAfile', files.ca, '-verify_ip', '127.0.0.1', '-verify_return_error', '-brief'
  ], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 15_000 })
  let output = ''
  child.stdout.on('data', chunk => { output += String(chunk) })
  child.stderr.on('data', chunk => { output += String(chunk) })
  const exited = new Promise<number | null>(resolve => { child.on('close', resolve) })
  return {
    finish: async () => { child.stdin.end(); return await exited },
    output: () => output
  }
}

describe('peer CAs between agent processes', function () {
  this.timeout(90_000)
  let a: AgentHandle
  let b: AgentHandle
  let ids: { a: string, b: string }
  let bCaFingerprint: string
  let dir: string
  const servers: Server[] = []

  /**
   * A TLS server with A's server certificate, trusting A's CA plus what A
   * accepts for `files`, and s_client with B's client certificate: what the
   * server saw, and how s_client ended.
   */
  async function mutualTls (): Promise<{ outcome: Outcome, code: number | null, output: string }> {
    const serverCert = await issue(a, { commonName: 'files.a.cell', sans: ['127.0.0.1'], usage: 'server' })
    const accepted = (await peerCas(a, 'files')).map(peer => peer.caPem)
    let outcome: Outcome | undefined
    const server = createServer({
      key: serverCert.keyPem, cert: serverCert.certPem, ca: [serverCert.caPem, ...accepted], requestCert: true, rejectUnauthorized: true
    }, socket => {
      outcome ??= { ok: true, peer: socket.getPeerX509Certificate() as X509Certificate }
      socket.end()
    })
    // A rejected client certificate destroys the socket without an error of
    // its own ('socket hang up'); the reason is the socket's authorizationError.
    server.on('tlsClientError', (err, socket) => { outcome ??= { ok: false, error: String(socket.authorizationError ?? err.message) } })
    servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))

    await writeFile(join(dir, 'a-ca.pem'), serverCert.caPem)
    const client = sClient((server.address() as AddressInfo).port, { cert: join(dir, 'b.crt'), key: join(dir, 'b.key'), ca: join(dir, 'a-ca.pem') })
    const seen = await waitFor(() => outcome, { what: 'the server to judge the handshake' })
    const code = await client.finish()
    await new Promise(resolve => server.close(resolve))
    return { outcome: seen, code, output: client.output() }
  }

  before(async () => {
    dir = await tempDataDir('peer-tls')
    a = await startAgent()
    b = await startAgent()
    ids = { a: await a.cellId(), b: await b.cellId() }
    const connected = await b.api('POST', '/api/peers/connect', { multiaddr: (await a.multiaddrs())[0] })
    assert.equal(connected.status, 200, JSON.stringify(connected.body))
    bCaFingerprint = new X509Certificate((await b.api('GET', '/api/vault/ca/certificate')).body).fingerprint256

    const client = await issue(b, { commonName: 'laptop.b.cell', usage: 'client' })
    await writeFile(join(dir, 'b.crt'), client.certPem)
    await writeFile(join(dir, 'b.key'), client.keyPem, { mode: 0o600 })
  })

  after(async () => {
    for (const server of servers) server.close()
    await stopAll()
  })

  it('accepts B\'s CA on A for exactly the scopes A trusts B for', async () => {
    // B must trust A too, or it will not hand A its CA.
    for (const [from, to] of [[a, ids.b], [b, ids.a]] as const) {
      const attested = await from.api('POST', '/api/trust/attestations', { cell: to, scopes: ['mesh', 'files'] })
      assert.equal(attested.status, 201, JSON.stringify(attested.body))
    }

    const peer = await waitFor(async () => (await peerCas(a)).find(ca => ca.cellId === ids.b), { timeout: 15_000, what: 'A to accept B\'s CA' })
    assert.deepEqual(peer.scopes, ['files', 'mesh'])
    const cells = (await a.api('GET', '/api/trust')).body.cells as Array<{ cellId: string, scopes: string[] }>
    assert.deepEqual(cells.find(cell => cell.cellId === ids.b)?.scopes.sort(), peer.scopes)
    assert.equal(peer.fingerprint, bCaFingerprint)
    assert.ok(!Number.isNaN(Date.parse(peer.acceptedAt)))
    assert.deepEqual((await peerCas(a, 'files')).map(ca => ca.cellId), [ids.b])
    assert.deepEqual(await peerCas(a, 'mail'), [])
  })

  it('completes mutual TLS between A\'s server certificate and B\'s client certificate', async () => {
    const { outcome, code, output } = await mutualTls()
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error)
    assert.equal(code, 0, output)
    assert.match(output, /Verification: OK/)
    assert.equal(outcome.peer.subject, 'CN=laptop.b.cell')
    assert.equal(outcome.peer.checkIssued(new X509Certificate((await peerCas(a, 'files'))[0].caPem)), true)
  })

  it('removes B\'s CA once A revokes B, and refuses B\'s client certificate for files', async () => {
    const revoked = await a.api('POST', '/api/trust/revoke', { cell: ids.b })
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body))
    await waitFor(async () => !(await peerCas(a)).some(ca => ca.cellId === ids.b), { timeout: 10_000, what: 'A to drop B\'s CA' })

    const { outcome } = await mutualTls()
    assert.equal(outcome.ok, false)
    assert.match(outcome.ok ? '' : outcome.error, /^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/)
  })

  it('offers the CA of a cell trusted for mesh alone for mesh, never for mail', async () => {
    const attested = await a.api('POST', '/api/trust/attestations', { cell: ids.b, scopes: ['mesh'] })
    assert.equal(attested.status, 201, JSON.stringify(attested.body))

    const peer = await waitFor(async () => (await peerCas(a)).find(ca => ca.cellId === ids.b), { timeout: 15_000, what: 'A to accept B\'s CA again' })
    assert.deepEqual(peer.scopes, ['mesh'])
    assert.deepEqual((await peerCas(a, 'mesh')).map(ca => ca.cellId), [ids.b])
    assert.deepEqual(await peerCas(a, 'mail'), [])
    assert.deepEqual(await peerCas(a, 'files'), [])
  })

  it('refuses the CA to a cell that is not trusted', async () => {
    const c = await startAgent()
    const connected = await c.api('POST', '/api/peers/connect', { multiaddr: (await b.multiaddrs())[0] })
    assert.equal(connected.status, 200, JSON.stringify(connected.body))
    const attested = await c.api('POST', '/api/trust/attestations', { cell: ids.b, scopes: ['mesh'] })
    assert.equal(attested.status, 201, JSON.stringify(attested.body))

    const failing = await waitFor(async () => {
      const { body } = await c.api('GET', '/api/services/status')
      const exchange = body.services.find((service: { name: string }) => service.name === 'ca-exchange')
      return exchange?.details.failing.find((entry: { cellId: string }) => entry.cellId === ids.b)
    }, { what: 'C\'s fetch of B\'s CA to fail' })
    assert.match(failing.error, /no answer/)
    assert.deepEqual(await peerCas(c), [])
  })
})
