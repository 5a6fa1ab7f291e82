import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import * as mesh from '../src/index.ts'

describe('mesh errors', () => {
  const classes = Object.entries(mesh).filter(([, value]) => typeof value === 'function' && 'code' in value && typeof value.code === 'string')

  it('gives every error class a stable name and code', () => {
    assert.ok(classes.length >= 8)
    for (const [exported, Class] of classes) {
      const ErrorClass = Class as unknown as new () => Error & { code: string }
      const error = new ErrorClass()
      assert.ok(error.message.length > 0, `${exported} has a default message`)
      assert.equal(error.name, exported)
      assert.equal(error.code, (Class as unknown as { code: string }).code)
      assert.match(error.code, /^ERR_MESH_[A-Z_]+$/)
    }
  })

  it('lists exactly these codes in docs/mesh.md', async () => {
    const doc = await readFile(new URL('../../../docs/mesh.md', import.meta.url), 'utf8')
    const documented = [...doc.matchAll(/`(ERR_MESH_[A-Z_]+)`/g)].map((match) => match[1]).sort()
    const codes = classes.map(([, Class]) => (Class as unknown as { code: string }).code).sort()
    assert.deepEqual([...new Set(documented)], codes)
  })
})
