/**
 * Mesh reconciliation cost, with the in-memory backend.
 *
 * 1. Full reconcile of 1,000 peers: compute the desired state, diff it
 *    against an empty backend and apply it. Target < 200 ms.
 * 2. Incremental reconcile: one of 1,000 peers roams (new endpoint).
 * 3. Memory held per peer at 600 peers: inputs, desired state, reconciler
 *    cache and backend state, measured as the heapUsed delta after forced
 *    garbage collection. Target <= 64 KiB. Needs `--expose-gc`.
 *
 * Run: npx node --expose-gc bench/mesh-reconcile.ts
 */
import { createHash } from 'node:crypto'
import { deriveOverlayAddresses } from '@cell/trust'
import { MemoryBackend, MeshReconciler, desiredMeshState } from '@cell/mesh'
import type { MeshPeerInput } from '@cell/mesh'

const RUNS = 9
const FULL_PEERS = 1000
const MEMORY_PEERS = 600

function seed (label: string): Buffer {
  return createHash('sha256').update(label).digest()
}

function key (label: string): string {
  const bytes = seed(`key:${label}`)
  bytes[31] &= 0xf0
  return bytes.toString('base64')
}

/** Peers like a real mesh: every fifth trusted to route and advertising a /24, some with services. */
function peers (count: number, endpointOffset = 0): MeshPeerInput[] {
  return Array.from({ length: count }, (_, i) => {
    const cellId = `12D3KooW${String(i).padStart(44, '0')}`
    const scopes = ['mesh']
    if (i % 5 === 0) scopes.push('route')
    if (i % 3 === 0) scopes.push('mail', 'files')
    return {
      cellId,
      wgPublicKey: key(cellId),
      endpoints: [`203.${Math.floor(i / 250)}.${(i % 250) + 1}.${1 + endpointOffset}:51820`, `[2001:db8::${i.toString(16)}]:51820`],
      overlay: deriveOverlayAddresses(seed(cellId)),
      advertisedPrefixes: i % 5 === 0 ? [`10.${Math.floor(i / 250)}.${i % 250}.0/24`] : [],
      scopes: new Set(scopes)
    }
  })
}

const self = { privateKeyPath: '/var/lib/cell/wg.key', overlay: deriveOverlayAddresses(seed('self')) }

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function fullReconcile (): Promise<number[]> {
  const inputs = peers(FULL_PEERS)
  const times: number[] = []
  for (let run = 0; run < RUNS + 1; run++) {
    const backend = new MemoryBackend()
    await backend.start()
    const reconciler = new MeshReconciler({ backend })
    const started = performance.now()
    const desired = desiredMeshState({ self, peers: inputs, routing: { exitNode: inputs[0].cellId } })
    const result = await reconciler.apply(desired)
    const elapsed = performance.now() - started
    if (result.changes.length < FULL_PEERS) throw new Error('reconcile applied too little')
    if (run > 0) times.push(elapsed) // the first run warms the JIT up
  }
  return times
}

async function incrementalReconcile (): Promise<number[]> {
  const backend = new MemoryBackend()
  await backend.start()
  const reconciler = new MeshReconciler({ backend })
  const inputs = peers(FULL_PEERS)
  await reconciler.apply(desiredMeshState({ self, peers: inputs }))
  const times: number[] = []
  for (let run = 0; run < RUNS + 1; run++) {
    const roamed = [...inputs]
    roamed[run] = { ...roamed[run], endpoints: [`198.51.100.${run + 1}:40000`] }
    const started = performance.now()
    const result = await reconciler.apply(desiredMeshState({ self, peers: roamed }))
    const elapsed = performance.now() - started
    if (result.changes.length === 0) throw new Error('the roam was not applied')
    if (run > 0) times.push(elapsed)
  }
  return times
}

/** One measurement in its own frame, so nothing of it stays reachable afterwards. */
async function measureOnce (gc: () => void): Promise<number> {
  gc(); gc()
  const before = process.memoryUsage().heapUsed
  const backend = new MemoryBackend()
  await backend.start()
  const reconciler = new MeshReconciler({ backend })
  const inputs = peers(MEMORY_PEERS)
  await reconciler.apply(desiredMeshState({ self, peers: inputs }))
  gc(); gc()
  const after = process.memoryUsage().heapUsed
  // Keep everything alive until after the measurement.
  if ((await backend.getState()).peers.length !== MEMORY_PEERS || reconciler.lastApplied == null || inputs.length === 0) {
    throw new Error('state lost')
  }
  return (after - before) / MEMORY_PEERS
}

async function memoryPerPeer (gc: () => void): Promise<number[]> {
  const results: number[] = []
  for (let run = 0; run < 5; run++) {
    results.push(await measureOnce(gc))
  }
  return results
}

const full = await fullReconcile()
console.log(`full reconcile, ${FULL_PEERS} peers (desired state + diff + apply, MemoryBackend): median ${median(full).toFixed(1)} ms over ${RUNS} runs (min ${Math.min(...full).toFixed(1)}, max ${Math.max(...full).toFixed(1)}); target < 200 ms`)

const incremental = await incrementalReconcile()
console.log(`incremental reconcile, 1 of ${FULL_PEERS} peers roamed: median ${median(incremental).toFixed(1)} ms over ${RUNS} runs`)

const gc = (globalThis as { gc?: () => void }).gc
if (gc == null) {
  console.log('memory per peer: skipped, run with `npx node --expose-gc bench/mesh-reconcile.ts`')
} else {
  const perPeer = await memoryPerPeer(gc)
  console.log(`memory held per peer at ${MEMORY_PEERS} peers (inputs + desired state + reconciler + MemoryBackend, heapUsed delta after gc): median ${(median(perPeer) / 1024).toFixed(2)} KiB over ${perPeer.length} runs; target <= 64 KiB`)
}
