/**
 * One small class per failure condition. Callers and tests match on `code`;
 * `name` is stable too.
 */

/** A value handed to a command or a builder is malformed; `field` names it. */
export class InvalidArgumentError extends Error {
  static readonly code = 'ERR_MESH_INVALID_ARGUMENT'
  readonly code = InvalidArgumentError.code
  readonly field: string

  constructor (field = 'argument', message = 'invalid argument') {
    super(`${field}: ${message}`)
    this.name = 'InvalidArgumentError'
    this.field = field
  }
}

export interface ValidationIssue {
  /** Dotted path of the offending field in the body (`rules.0.ports`) */
  field: string
  message: string
}

/** A routing API body failed its schema; `field` is the first bad field. */
export class ValidationError extends Error {
  static readonly code = 'ERR_MESH_VALIDATION'
  readonly code = ValidationError.code
  readonly field: string
  readonly issues: ValidationIssue[]

  constructor (issues: ValidationIssue[] = []) {
    const first = issues[0] ?? { field: '', message: 'invalid body' }
    super(`${first.field === '' ? 'body' : first.field}: ${first.message}`)
    this.name = 'ValidationError'
    this.field = first.field
    this.issues = issues
  }
}

/** The local cell's own mesh configuration is unusable. */
export class MeshConfigError extends Error {
  static readonly code = 'ERR_MESH_CONFIG_INVALID'
  readonly code = MeshConfigError.code

  constructor (message = 'invalid mesh configuration') {
    super(message)
    this.name = 'MeshConfigError'
  }
}

/** A system command exited non-zero or could not be run. */
export class CommandFailedError extends Error {
  static readonly code = 'ERR_MESH_COMMAND_FAILED'
  readonly code = CommandFailedError.code
  readonly command: string
  readonly exitCode: number | null
  readonly stderr: string

  constructor (command = 'command', exitCode: number | null = null, stderr = '') {
    super(`${command} failed${exitCode == null ? '' : ` with exit code ${exitCode}`}: ${stderr.trim().slice(0, 500)}`)
    this.name = 'CommandFailedError'
    this.command = command
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

/** `apply`, `getState` or `status` was called before `start`. */
export class BackendNotStartedError extends Error {
  static readonly code = 'ERR_MESH_BACKEND_NOT_STARTED'
  readonly code = BackendNotStartedError.code

  constructor (message = 'mesh backend is not started') {
    super(message)
    this.name = 'BackendNotStartedError'
  }
}

/** The interface name is taken by an interface the cell did not create. */
export class InterfaceBusyError extends Error {
  static readonly code = 'ERR_MESH_INTERFACE_BUSY'
  readonly code = InterfaceBusyError.code

  constructor (name = 'the interface') {
    super(`interface ${name} exists and was not created by this cell`)
    this.name = 'InterfaceBusyError'
  }
}

/** The process lacks CAP_NET_ADMIN or /dev/net/tun. */
export class InsufficientPrivilegesError extends Error {
  static readonly code = 'ERR_MESH_PRIVILEGES'
  readonly code = InsufficientPrivilegesError.code

  constructor (message = 'the Linux mesh backend needs CAP_NET_ADMIN and /dev/net/tun') {
    super(message)
    this.name = 'InsufficientPrivilegesError'
  }
}

/** Neither kernel WireGuard nor wireguard-go could bring the interface up. */
export class WireguardUnavailableError extends Error {
  static readonly code = 'ERR_MESH_WIREGUARD_UNAVAILABLE'
  readonly code = WireguardUnavailableError.code

  constructor (message = 'no WireGuard implementation could create the interface') {
    super(message)
    this.name = 'WireguardUnavailableError'
  }
}
