import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import * as errors from '../../src/vault/errors.ts'

describe('vault errors', () => {
  it('lists exactly the codes of the error classes in docs/vault.md', async () => {
    const docs = await readFile(new URL('../../../../docs/vault.md', import.meta.url), 'utf8')
    const documented = new Set([...docs.matchAll(/\| `(ERR_VAULT_[A-Z_]+)` \| (\w+) \|/g)].map(m => `${m[1]} ${m[2]}`))
    const defined = new Set(Object.entries(errors).map(([name, cls]) => `${cls.code} ${name}`))
    assert.deepEqual([...documented].sort(), [...defined].sort())
  })

  it('gives every class a stable name and code', () => {
    for (const [name, cls] of Object.entries(errors)) {
      const instance = Reflect.construct(cls, ['x', 'y', 'z'])
      assert.equal(instance.name, name)
      assert.equal(instance.code, cls.code)
      assert.ok(instance instanceof Error)
    }
  })
})
