/** Errors the CLI reports to the user; each maps to an exit code. */
export class CliError extends Error {
  readonly code: string
  readonly exitCode: number

  constructor (message: string, code = 'ERR_CLI', exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.code = code
    this.exitCode = exitCode
  }
}

export class AgentNotRunningError extends CliError {
  static readonly code = 'ERR_AGENT_NOT_RUNNING'

  constructor (dataDir: string) {
    super(`No cell agent is running for ${dataDir} (start one with: cell start --data-dir ${dataDir})`, AgentNotRunningError.code, 3)
    this.name = 'AgentNotRunningError'
  }
}

export class ApiError extends CliError {
  static readonly code = 'ERR_API'
  readonly status: number
  readonly apiCode: string

  constructor (status: number, apiCode: string, message: string) {
    super(message, ApiError.code, 1)
    this.name = 'ApiError'
    this.status = status
    this.apiCode = apiCode
  }
}
