/**
 * Each simulated cell's WireGuard side: its trust view for scope 'mesh'
 * and the peer records it holds become a desired mesh state
 * (@cell/mesh desiredMeshState), which a MeshReconciler applies to a
 * MemoryBackend, exactly as the agent does with the kernel backend.
 */
import { MemoryBackend, MeshReconciler, desiredMeshState } from '@cell/mesh'
import { deriveOverlayAddresses } from '@cell/trust'
import type { Identity } from './identities.ts'
import type { MeshPeerInput } from '@cell/mesh'
import type { PeerRecord, TrustView } from '@cell/trust'

const MESH_SCOPES: ReadonlySet<string> = new Set(['mesh'])

export class CellMesh {
  private readonly identity: Identity
  private readonly backend = new MemoryBackend()
  private readonly reconciler: MeshReconciler
  private peerIds = new Set<string>()

  constructor (identity: Identity) {
    this.identity = identity
    this.reconciler = new MeshReconciler({ backend: this.backend })
  }

  async start (): Promise<void> {
    await this.backend.start()
  }

  async stop (): Promise<void> {
    await this.backend.stop({ removeInterface: true })
  }

  /** Trusted cells whose peer record this cell holds. */
  static expected (view: TrustView, peerRecord: (id: string) => PeerRecord | undefined): MeshPeerInput[] {
    const peers: MeshPeerInput[] = []
    for (const entry of view.entries.values()) {
      const record = peerRecord(entry.cellId)
      if (record?.overlay == null) continue
      peers.push({
        cellId: entry.cellId,
        wgPublicKey: record.wgPublicKey,
        endpoints: record.wgEndpoints,
        overlay: record.overlay,
        advertisedPrefixes: record.advertisedPrefixes,
        scopes: MESH_SCOPES
      })
    }
    return peers
  }

  /** Reconcile the backend towards what the view implies. */
  async update (view: TrustView, peerRecord: (id: string) => PeerRecord | undefined): Promise<void> {
    const desired = desiredMeshState({
      self: { overlay: deriveOverlayAddresses(this.identity.privateKey.publicKey.raw) },
      peers: CellMesh.expected(view, peerRecord)
    })
    await this.reconciler.apply(desired)
    this.peerIds = new Set(this.reconciler.lastApplied?.peers.map(peer => peer.cellId) ?? [])
  }

  /** Cell ids of the peers last applied to the backend. */
  peers (): Set<string> {
    return this.peerIds
  }
}
