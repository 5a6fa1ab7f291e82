/**
 * @packageDocumentation
 *
 * The cell agent: a libp2p node, the service bus that runs every manager
 * of a cell in dependency order, and the Koa API in front of it.
 *
 * @example
 * ```ts
 * import { Cell } from '@cell/agent'
 *
 * const cell = await Cell.open({ dataDir: '/tmp/my-cell' })
 * await cell.start()
 * console.log(cell.cellId, cell.apiUrl)
 * await cell.stop()
 * ```
 */
export { Cell, VERSION } from './cell.ts'
export type { CellInit } from './cell.ts'
export { ServiceBus } from './bus/service-bus.ts'
export type { ServiceManager, ServiceState, HealthReport, ConnectivityReport } from './bus/manager.ts'
export type { BusEvent, BusEventMap, BusEventType } from './bus/events.ts'
export { configSchema } from './config/schema.ts'
export type { CellConfig } from './config/schema.ts'
export { resolveDataDir, dataPaths } from './paths.ts'
export * from './errors.ts'
