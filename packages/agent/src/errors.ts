/**
 * Errors raised by the agent. Each has a stable `name` and `code`; the API
 * maps codes to HTTP statuses in one place (api/error-handler.ts) and tests
 * match on the code.
 */
export class CellError extends Error {
  readonly code: string
  /** HTTP status the API answers with when this error reaches it. */
  readonly status: number

  constructor (message: string, code: string, status = 500, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CellError'
    this.code = code
    this.status = status
  }
}

export class InvalidInputError extends CellError {
  static readonly code = 'ERR_INVALID_INPUT'
  readonly details: unknown

  constructor (message = 'Invalid input', details?: unknown) {
    super(message, InvalidInputError.code, 400)
    this.name = 'InvalidInputError'
    this.details = details
  }
}

export class NotFoundError extends CellError {
  static readonly code = 'ERR_NOT_FOUND'

  constructor (message = 'Not found') {
    super(message, NotFoundError.code, 404)
    this.name = 'NotFoundError'
  }
}

export class UnauthorizedError extends CellError {
  static readonly code = 'ERR_UNAUTHORIZED'

  constructor (message = 'A valid bearer token is required') {
    super(message, UnauthorizedError.code, 401)
    this.name = 'UnauthorizedError'
  }
}

export class ConflictError extends CellError {
  static readonly code = 'ERR_CONFLICT'

  constructor (message = 'Conflict') {
    super(message, ConflictError.code, 409)
    this.name = 'ConflictError'
  }
}

export class UnknownServiceError extends CellError {
  static readonly code = 'ERR_UNKNOWN_SERVICE'

  constructor (name: string) {
    super(`No service named "${name}"`, UnknownServiceError.code, 404)
    this.name = 'UnknownServiceError'
  }
}

export class DependencyCycleError extends CellError {
  static readonly code = 'ERR_DEPENDENCY_CYCLE'

  constructor (names: string[]) {
    super(`Service dependencies form a cycle: ${names.join(' -> ')}`, DependencyCycleError.code, 500)
    this.name = 'DependencyCycleError'
  }
}

export class ServiceNotRunningError extends CellError {
  static readonly code = 'ERR_SERVICE_NOT_RUNNING'

  constructor (name: string) {
    super(`Service "${name}" is not running`, ServiceNotRunningError.code, 409)
    this.name = 'ServiceNotRunningError'
  }
}

export class ConfigInvalidError extends CellError {
  static readonly code = 'ERR_CONFIG_INVALID'
  readonly issues: Array<{ path: string, message: string }>

  constructor (issues: Array<{ path: string, message: string }>, source = 'config') {
    const summary = issues.map(issue => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`).join('; ')
    super(`Invalid ${source}: ${summary}`, ConfigInvalidError.code, 400)
    this.name = 'ConfigInvalidError'
    this.issues = issues
  }
}

export class BackupNotFoundError extends CellError {
  static readonly code = 'ERR_BACKUP_NOT_FOUND'

  constructor (id: string) {
    super(`No config backup with id "${id}"`, BackupNotFoundError.code, 404)
    this.name = 'BackupNotFoundError'
  }
}

export class DataDirError extends CellError {
  static readonly code = 'ERR_DATA_DIR'

  constructor (message: string, options?: ErrorOptions) {
    super(message, DataDirError.code, 500, options)
    this.name = 'DataDirError'
  }
}

export class VaultLockedError extends CellError {
  static readonly code = 'ERR_VAULT_LOCKED'

  constructor (reason: string) {
    super(`The vault is locked: ${reason}`, VaultLockedError.code, 423)
    this.name = 'VaultLockedError'
  }
}

export class VaultPassphraseFileError extends CellError {
  static readonly code = 'ERR_VAULT_PASSPHRASE_FILE'

  constructor (file: string, reason: string, options?: ErrorOptions) {
    super(`Cannot use vault passphrase file ${file}: ${reason}`, VaultPassphraseFileError.code, 500, options)
    this.name = 'VaultPassphraseFileError'
  }
}
