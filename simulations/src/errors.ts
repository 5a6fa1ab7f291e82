/**
 * Errors of the simulation harness. Each has a stable `name` and `code`.
 */
export class SimulationError extends Error {
  readonly code: string = 'ERR_SIMULATION'

  constructor (message = 'Simulation failed', options?: ErrorOptions) {
    super(message, options)
    this.name = 'SimulationError'
  }
}

export class InvalidOptionError extends SimulationError {
  override readonly code = 'ERR_INVALID_OPTION'

  constructor (message = 'Invalid option') {
    super(message)
    this.name = 'InvalidOptionError'
  }
}

export class UnknownScenarioError extends SimulationError {
  override readonly code = 'ERR_UNKNOWN_SCENARIO'

  constructor (message = 'Unknown scenario') {
    super(message)
    this.name = 'UnknownScenarioError'
  }
}

export class TopologyError extends SimulationError {
  override readonly code = 'ERR_TOPOLOGY'

  constructor (message = 'Cannot build the requested topology') {
    super(message)
    this.name = 'TopologyError'
  }
}

export class UnsupportedModeError extends SimulationError {
  override readonly code = 'ERR_UNSUPPORTED_MODE'

  constructor (message = 'This scenario does not run in this mode') {
    super(message)
    this.name = 'UnsupportedModeError'
  }
}
