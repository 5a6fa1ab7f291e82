import assert from 'node:assert/strict'
import { checkCellId, checkScopes, checkSecretName, isDnsName, splitSans } from '../../src/vault/names.ts'

describe('vault names', () => {
  it('accepts ordinary secret names and refuses path tricks', () => {
    for (const name of ['db-password', 'api.token', 'user@example.org', 'a+b_c', 'X1']) {
      assert.equal(checkSecretName(name), name)
    }
    for (const name of ['..', '../etc/passwd', 'a/b', 'a..b', '.env', '-x', 'a\0b', 'a\\b', 'ü', '', 'a'.repeat(129)]) {
      assert.throws(() => checkSecretName(name), { code: 'ERR_VAULT_NAME' }, JSON.stringify(name))
    }
    assert.throws(() => checkSecretName(42), { code: 'ERR_VAULT_NAME' })
  })

  it('accepts libp2p-style cell ids and lowercase scopes', () => {
    assert.equal(checkCellId('12D3KooWGzh4pBKCoGXTbyEBnGsS2iSxiXsGTnKM6f1Ntcj5zpqF'), '12D3KooWGzh4pBKCoGXTbyEBnGsS2iSxiXsGTnKM6f1Ntcj5zpqF')
    assert.deepEqual(checkScopes(['mesh', 'service:files', 'mesh']), ['mesh', 'service:files'])
    assert.deepEqual(checkScopes(['*', 'mesh']), ['*', 'mesh'])
    assert.throws(() => checkScopes(['**']), { code: 'ERR_VAULT_NAME' })
    assert.throws(() => checkScopes([]), { code: 'ERR_VAULT_NAME' })
    assert.throws(() => checkScopes(['Mesh']), { code: 'ERR_VAULT_NAME' })
    assert.throws(() => checkCellId('a/b'), { code: 'ERR_VAULT_NAME' })
  })

  it('splits SANs into DNS names and IP addresses', () => {
    assert.deepEqual(splitSans(['Alice.Cell.', '127.0.0.1', 'fd00::1', 'alice.cell', '*.alice.cell']), {
      dns: ['alice.cell', '*.alice.cell'], ip: ['127.0.0.1', 'fd00::1']
    })
    for (const bad of ['*.com', 'a..b', '-a.b', 'a_b.c', 'x'.repeat(64) + '.com', '', 'a b']) {
      assert.equal(isDnsName(bad), false, bad)
    }
    assert.throws(() => splitSans(['ok.test', 5]), { code: 'ERR_VAULT_CERT_REQUEST' })
    assert.throws(() => splitSans('ok.test'), { code: 'ERR_VAULT_CERT_REQUEST' })
  })
})
