/**
 * The cell's CA through a real agent serving its API over HTTPS
 * (`api.tls`), with real clients: the CLI issues, revokes and renews
 * certificates; openssl verifies them against the cell CA; curl trusts an
 * HTTPS server using one; and the CRL fetched from the API lists a revoked
 * serial.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:https'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import { namedAgent, run } from './helpers.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'

describe('vault certificates through the agent', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let caFile: string
  let out: string
  let serial: string

  /** An API call over HTTPS with curl, trusting only the cell CA. */
  async function api (method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> {
    const args = ['-sS', '--cacert', caFile, '-X', method, '-H', `authorization: Bearer ${agent.token}`, '-w', '\n%{http_code}']
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body))
    const result = await run('curl', [...args, `${agent.url}${path}`])
    assert.equal(result.code, 0, result.stderr)
    const text = result.stdout.slice(0, result.stdout.lastIndexOf('\n'))
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch {}
    return { status: Number(result.stdout.slice(result.stdout.lastIndexOf('\n') + 1)), body: parsed }
  }

  before(async () => {
    agent = await namedAgent('dave', { config: { api: { tls: true } } })
    caFile = join(agent.dataDir, 'vault', 'ca.pem')
    out = join(await tempDataDir('certs'), 'web')
  })

  after(async () => { await stopAll() })

  it('serves the API over HTTPS with a certificate from the cell CA', async () => {
    assert.match(agent.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    const trusted = await run('curl', ['-sS', '--cacert', caFile, `${agent.url}/health`])
    assert.equal(trusted.code, 0, trusted.stderr)

    // curl exits 60 when it cannot verify the peer certificate.
    const untrusted = await run('curl', ['-sS', `${agent.url}/health`])
    assert.equal(untrusted.code, 60)

    const status = await agent.cli(['vault', 'status', '--json'])
    assert.equal(status.code, 0, status.stderr)
    assert.equal(JSON.parse(status.stdout).state, 'running')

    const ca = await agent.cli(['vault', 'ca'])
    assert.equal(ca.stdout, await readFile(caFile, 'utf8'))
  })

  it('issues a certificate that openssl verifies against the cell CA, key mode 0600', async () => {
    const issued = await agent.cli(['cert', 'issue', 'web', '--san', 'localhost', '--san', '127.0.0.1', '--out', out, '--json'])
    assert.equal(issued.code, 0, issued.stderr)
    serial = JSON.parse(issued.stdout).certificate.serial

    const verified = await run('openssl', ['verify', '-CAfile', caFile, `${out}.crt`])
    assert.equal(verified.code, 0, verified.stderr)
    assert.match(verified.stdout, /: OK/)
    assert.equal((await stat(`${out}.key`)).mode & 0o777, 0o600)

    const text = await run('openssl', ['x509', '-in', `${out}.crt`, '-noout', '-serial', '-ext', 'subjectAltName'])
    assert.match(text.stdout, new RegExp(`serial=${serial}`, 'i'))
    assert.match(text.stdout, /DNS:localhost, IP Address:127\.0\.0\.1/)
  })

  it('refuses to overwrite the files without --force', async () => {
    const before = await readFile(`${out}.key`, 'utf8')
    const again = await agent.cli(['cert', 'issue', 'web', '--san', 'localhost', '--out', out])
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /already exists; use --force/)
    assert.equal(await readFile(`${out}.key`, 'utf8'), before)
    // Refused before asking the agent: nothing new was issued.
    const { body } = await api('GET', '/api/vault/certificates')
    assert.equal(body.certificates.length, 2) // web and the API's own certificate
  })

  it('gives a certificate an HTTPS server that curl accepts with the cell CA', async () => {
    const server: Server = createServer({ key: await readFile(`${out}.key`), cert: await readFile(`${out}.crt`) }, (_req, res) => { res.end('hello from web\n') })
    await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
    try {
      const { port } = server.address() as AddressInfo
      const byIp = await run('curl', ['-sS', '--cacert', caFile, `https://127.0.0.1:${port}/`])
      assert.equal(byIp.code, 0, byIp.stderr)
      assert.equal(byIp.stdout, 'hello from web\n')
      const byName = await run('curl', ['-sS', '--cacert', caFile, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`])
      assert.equal(byName.code, 0, byName.stderr)
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => { server.close(resolve) })
    }
  })

  it('lists a revoked serial in the CRL fetched from the API URL', async () => {
    const revoked = await agent.cli(['cert', 'revoke', serial, '--reason', 'keyCompromise'])
    assert.equal(revoked.code, 0, revoked.stderr)

    // Public, without the token, and under /api with it.
    const crlFile = `${out}.crl.pem`
    const fetched = await run('curl', ['-sS', '-f', '--cacert', caFile, '-o', crlFile, `${agent.url}/crl.pem`])
    assert.equal(fetched.code, 0, fetched.stderr)
    const text = await run('openssl', ['crl', '-in', crlFile, '-noout', '-text'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, new RegExp(`Serial Number: ${serial}`, 'i'))
    assert.match(text.stdout, /Key Compromise/)
    assert.equal((await api('GET', '/api/vault/crl')).body, await readFile(crlFile, 'utf8'))

    const check = await run('openssl', ['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', caFile, `${out}.crt`])
    assert.notEqual(check.code, 0)
    assert.match(check.stdout + check.stderr, /certificate revoked/)

    const list = JSON.parse((await agent.cli(['cert', 'list', '--json'])).stdout)
    assert.equal(list.find((cert: { serial: string }) => cert.serial === serial).status, 'revoked')
  })

  it('renews a certificate into new files and answers bad requests with 4xx', async () => {
    const issued = await api('POST', '/api/vault/certificates', { commonName: 'client1', usage: 'client', days: 30 })
    assert.equal(issued.status, 201, JSON.stringify(issued.body))
    assert.match(issued.body.keyPem, /BEGIN PRIVATE KEY/)
    const old = issued.body.certificate.serial

    const renewed = await agent.cli(['cert', 'renew', old, '--out', `${out}-renewed`])
    assert.equal(renewed.code, 0, renewed.stderr)
    const verified = await run('openssl', ['verify', '-CAfile', caFile, `${out}-renewed.crt`])
    assert.equal(verified.code, 0, verified.stderr)
    const detail = await api('GET', `/api/vault/certificates/${old as string}`)
    assert.equal(detail.body.certificate.status, 'superseded')
    assert.equal(detail.body.keyPem, undefined)

    assert.equal((await api('POST', '/api/vault/certificates', { commonName: 'x', sans: ['x'], days: 0 })).status, 400)
    const badSan = await api('POST', '/api/vault/certificates', { commonName: 'x', sans: ['-bad-'] })
    assert.equal(badSan.status, 400)
    assert.equal(badSan.body.error.field, 'sans')
    assert.equal((await api('DELETE', '/api/vault/certificates/abcdef')).status, 404)
    const twice = await api('DELETE', `/api/vault/certificates/${serial}`)
    assert.equal(twice.status, 409)
    assert.equal(twice.body.error.code, 'ERR_VAULT_CERT_STATE')
    assert.equal((await api('DELETE', '/api/vault/certificates/not-hex')).status, 400)
  })

  it('serves the CA certificate and the age recipient', async () => {
    const pem = await api('GET', '/api/vault/ca/certificate')
    assert.equal(pem.body, await readFile(caFile, 'utf8'))
    const age = await api('GET', '/api/vault/age/public-key')
    assert.match(age.body.recipient, /^age1[a-z0-9]{58}$/)
  })
})
