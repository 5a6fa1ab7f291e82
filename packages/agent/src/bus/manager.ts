/**
 * The one lifecycle every service of a cell implements. The service bus
 * starts managers in dependency order, stops them in reverse, and reports
 * their state; the API exposes status, health, connectivity and logs of
 * each through this interface alone.
 */
export type ServiceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed'

export interface HealthReport {
  healthy: boolean
  details?: Record<string, unknown>
}

export interface ConnectivityReport {
  ok: boolean
  checks: Array<{ name: string, ok: boolean, detail?: string }>
}

export interface ServiceManager {
  /** Unique name; also the log component and the API path segment */
  readonly name: string
  /** Names of managers that must be running before this one starts */
  readonly dependencies: readonly string[]
  start(signal: AbortSignal): Promise<void>
  stop(): Promise<void>
  /** Service-specific state for status pages; must be cheap */
  status(): Record<string, unknown>
  health?(): Promise<HealthReport>
  testConnectivity?(signal: AbortSignal): Promise<ConnectivityReport>
}
