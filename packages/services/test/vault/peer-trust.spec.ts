import assert from 'node:assert/strict'
import { Vault } from '../../src/vault/index.ts'
import { makeTempDir, mutualTls, removeDir } from './fixtures.ts'

describe('vault trust between cells', () => {
  const dirs: string[] = []
  let alice: Vault
  let bob: Vault

  before(async () => {
    for (let i = 0; i < 2; i++) dirs.push(await makeTempDir())
    alice = new Vault({ dir: dirs[0], name: 'alice', hostnames: ['alice.cell'] })
    bob = new Vault({ dir: dirs[1], name: 'bob', hostnames: ['bob.cell'] })
    await Promise.all([alice.open(), bob.open()])
    await bob.acceptPeerCa('alice', alice.caPem(), ['mesh'])
  })

  after(async () => {
    await Promise.all([alice?.close(), bob?.close()])
    for (const dir of dirs) await removeDir(dir)
  })

  it('refuses a client certificate from a CA it has not accepted', async () => {
    const result = await mutualTls(
      await alice.tlsOptionsFor({ scope: 'mesh' }),
      await bob.tlsOptionsFor({ scope: 'mesh', serverName: 'alice.cell' })
    )
    assert.equal(result.ok, false)
    // Node's TLS server drops a client whose certificate fails verification
    // without a tlsClientError reason, so the proof is that the handler never ran.
    assert.equal(result.clientCert, undefined)
  })

  it('completes mutual TLS once each side accepts the other for the scope', async () => {
    const accepted = await alice.acceptPeerCa('bob', bob.caPem(), ['mesh', 'files'])
    assert.deepEqual(accepted.scopes, ['files', 'mesh'])
    assert.match(accepted.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    assert.deepEqual(alice.peerCaFor('mesh'), [bob.caPem()])

    const serverOptions = await alice.tlsOptionsFor({ scope: 'mesh' })
    assert.equal(serverOptions.ca.length, 2)
    const result = await mutualTls(serverOptions, await bob.tlsOptionsFor({ scope: 'mesh', serverName: 'alice.cell' }))
    assert.equal(result.ok, true, String(result.serverError ?? result.clientError))

    assert.ok(result.clientCert != null)
    assert.deepEqual(alice.identifyPeer(result.clientCert), { self: false, cellId: 'bob', scopes: ['files', 'mesh'] })
    assert.match(result.clientCert.subject, /CN=bob/)
  })

  it('trusts a peer CA only for the scopes it was accepted for', async () => {
    assert.deepEqual(alice.peerCaFor('admin'), [])
    const result = await mutualTls(
      await alice.tlsOptionsFor({ scope: 'admin' }),
      await bob.tlsOptionsFor({ scope: 'mesh', serverName: 'alice.cell' })
    )
    assert.equal(result.ok, false)
    assert.equal(result.clientCert, undefined)
  })

  it('lets the client refuse a server whose CA it does not trust for the scope', async () => {
    const result = await mutualTls(
      await alice.tlsOptionsFor({ scope: 'files' }),
      await bob.tlsOptionsFor({ scope: 'files', serverName: 'alice.cell' })
    )
    assert.equal(result.ok, false)
    assert.match(String(result.clientError?.message), /unable to get local issuer|self.signed|certificate/i)
  })

  it('checks the server name against the certificate', async () => {
    const result = await mutualTls(
      await alice.tlsOptionsFor({ scope: 'mesh' }),
      await bob.tlsOptionsFor({ scope: 'mesh', serverName: 'mallory.cell' })
    )
    assert.equal(result.ok, false)
    assert.equal((result.clientError as NodeJS.ErrnoException | undefined)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('stops trusting a removed peer, also after a reopen', async () => {
    assert.equal(await alice.removePeerCa('bob'), true)
    assert.equal(await alice.removePeerCa('bob'), false)
    assert.deepEqual(alice.peerCaFor('mesh'), [])
    const result = await mutualTls(
      await alice.tlsOptionsFor({ scope: 'mesh' }),
      await bob.tlsOptionsFor({ scope: 'mesh', serverName: 'alice.cell' })
    )
    assert.equal(result.ok, false)

    await bob.close()
    bob = new Vault({ dir: dirs[1], name: 'bob', hostnames: ['bob.cell'] })
    await bob.open()
    assert.deepEqual(bob.listPeerCas().map(p => [p.cellId, p.scopes]), [['alice', ['mesh']]])
  })

  it('identifies its own certificates and forgets revoked ones', async () => {
    const issued = await alice.issue({ commonName: 'laptop', usage: 'client' })
    assert.deepEqual(alice.identifyPeer(issued.certPem), { self: true })
    await alice.revoke(issued.serial)
    assert.equal(alice.identifyPeer(issued.certPem), undefined)
    assert.equal(bob.identifyPeer(issued.certPem)?.self, false)
  })

  it('treats the scope * as every scope', async () => {
    await alice.acceptPeerCa('bob', bob.caPem(), ['*'])
    assert.deepEqual(alice.peerCaFor('calendar'), [bob.caPem()])
    assert.deepEqual(alice.peerCaFor('mesh'), [bob.caPem()])
    await alice.removePeerCa('bob')
  })

  it('refuses unusable peer CAs and bad scopes', async () => {
    const leaf = await bob.issue({ commonName: 'leaf.bob.cell' })
    const bad: Array<[string, string, string[], string]> = [
      ['bob', 'not a pem', ['mesh'], 'ERR_VAULT_PEER_CA'],
      ['bob', leaf.certPem, ['mesh'], 'ERR_VAULT_PEER_CA'],
      ['bob', alice.caPem(), ['mesh'], 'ERR_VAULT_PEER_CA'],
      ['bob', bob.caPem(), [], 'ERR_VAULT_NAME'],
      ['bob', bob.caPem(), ['Mesh!'], 'ERR_VAULT_NAME'],
      ['../bob', bob.caPem(), ['mesh'], 'ERR_VAULT_NAME']
    ]
    for (const [cellId, pem, scopes, code] of bad) {
      await assert.rejects(alice.acceptPeerCa(cellId, pem, scopes), { code }, `${cellId} ${scopes.join(',')}`)
    }
    assert.deepEqual(alice.listPeerCas(), [])
  })
})
