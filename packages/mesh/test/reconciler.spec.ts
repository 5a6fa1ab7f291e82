import assert from 'node:assert/strict'
import { MemoryBackend } from '../src/backends/memory-backend.ts'
import { desiredMeshState } from '../src/desired/desired-state.ts'
import { diffMeshState } from '../src/diff/diff.ts'
import { MeshReconciler } from '../src/reconciler.ts'
import { testPeer, testSelf } from './fixtures/peers.ts'
import type { MeshChange, MeshPeerInput } from '../src/types.ts'

function desired (peers: MeshPeerInput[]) {
  return desiredMeshState({ self: testSelf(), peers })
}

/** A memory backend whose applies wait until released, and can be told to fail. */
class GatedBackend extends MemoryBackend {
  gate: Promise<void> | null = null
  failNext = false
  readonly applied: MeshChange[][] = []
  readonly reads = { count: 0 }

  override async getState () {
    this.reads.count++
    return await super.getState()
  }

  override async apply (changes: readonly MeshChange[], options: { signal?: AbortSignal } = {}) {
    await this.gate
    if (this.failNext) {
      this.failNext = false
      await super.apply(changes.slice(0, 1), options)
      throw new Error('simulated failure')
    }
    this.applied.push([...changes])
    await super.apply(changes, options)
  }
}

describe('MeshReconciler', () => {
  let backend: GatedBackend

  beforeEach(async () => {
    backend = new GatedBackend()
    await backend.start()
  })

  it('applies a desired state and then only the difference', async () => {
    const reconciler = new MeshReconciler({ backend })
    const first = await reconciler.apply(desired([testPeer('a', ['mesh'])]))
    assert.ok(first.changes.some((c) => c.type === 'add-peer'))
    const second = await reconciler.apply(desired([testPeer('a', ['mesh']), testPeer('b', ['mesh'])]))
    assert.deepEqual(second.changes.map((c) => c.type), ['add-peer', 'replace-ruleset'])
    const third = await reconciler.apply(desired([testPeer('a', ['mesh']), testPeer('b', ['mesh'])]))
    assert.deepEqual(third.changes, [])
    assert.equal(backend.applied.length, 2, 'an empty diff does not touch the backend')
    assert.deepEqual(diffMeshState(await backend.getState(), third.applied), [])
  })

  it('coalesces a burst into the newest state', async () => {
    const reconciler = new MeshReconciler({ backend })
    const states = [1, 2, 3, 4].map((n) => desired(Array.from({ length: n }, (_, i) => testPeer(`p${i}`, ['mesh']))))
    const results = await Promise.all(states.map(async (state) => await reconciler.apply(state)))
    assert.equal(backend.applied.length, 1)
    assert.equal((await backend.getState()).peers.length, 4)
    assert.deepEqual(results.map((r) => r.superseded), [true, true, true, false])
  })

  it('serializes: a state sent during an apply runs after it', async () => {
    const reconciler = new MeshReconciler({ backend })
    let release = (): void => {}
    backend.gate = new Promise((resolve) => { release = resolve })
    const first = reconciler.apply(desired([testPeer('a', ['mesh'])]))
    await new Promise((resolve) => setImmediate(resolve))
    const second = reconciler.apply(desired([testPeer('a', ['mesh']), testPeer('b', ['mesh'])]))
    const third = reconciler.apply(desired([testPeer('b', ['mesh'])]))
    release()
    await Promise.all([first, second, third])
    assert.equal(backend.applied.length, 2, 'the second and third were coalesced')
    assert.deepEqual((await backend.getState()).peers.map((p) => p.cellId), ['b'])
    assert.equal((await second).superseded, true)
  })

  it('reads the backend again after a failed apply', async () => {
    const reconciler = new MeshReconciler({ backend })
    const state = desired([testPeer('a', ['mesh']), testPeer('b', ['mesh'])])
    backend.failNext = true
    await assert.rejects(reconciler.apply(state), /simulated failure/)
    assert.equal(reconciler.lastApplied, null)
    const readsBefore = backend.reads.count
    const retry = await reconciler.apply(state)
    assert.equal(backend.reads.count, readsBefore + 1)
    assert.ok(retry.changes.length > 0)
    assert.deepEqual(diffMeshState(await backend.getState(), state), [])
  })

  it('rejects an aborted caller at once and skips work nobody waits for', async () => {
    const reconciler = new MeshReconciler({ backend })
    await assert.rejects(reconciler.apply(desired([]), { signal: AbortSignal.abort() }), { name: 'AbortError' })

    let release = (): void => {}
    backend.gate = new Promise((resolve) => { release = resolve })
    const running = reconciler.apply(desired([testPeer('a', ['mesh'])]))
    await new Promise((resolve) => setImmediate(resolve))
    const controller = new AbortController()
    const queued = reconciler.apply(desired([testPeer('z', ['mesh'])]), { signal: controller.signal })
    controller.abort()
    await assert.rejects(queued, { name: 'AbortError' })
    release()
    await running
    assert.deepEqual((await backend.getState()).peers.map((p) => p.cellId), ['a'], 'the abandoned state was never applied')
  })
})
