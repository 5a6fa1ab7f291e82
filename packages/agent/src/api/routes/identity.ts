/** `/api/identity`: who this cell is. Secrets never leave through here. */
import type { RouteModule } from '../context.ts'

export const identityRoutes: RouteModule = (router, api) => {
  router.get('/api/identity', ctx => {
    const running = api.bus.isRunning('p2p')
    ctx.body = {
      cellId: api.identity.cellId,
      name: api.config.effective.cell.name,
      wireguardPublicKey: api.identity.wireguard.publicKey,
      multiaddrs: running ? api.libp2p().getMultiaddrs().map(addr => addr.toString()) : [],
      dataDir: api.paths.root,
      version: api.version
    }
  })
}
