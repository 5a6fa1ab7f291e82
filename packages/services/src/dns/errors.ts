/**
 * Errors of the DNS library. Callers match on `code`; the API layer maps
 * validation and conflict errors to 400/409 responses.
 */

/** A record or setting did not pass validation; `field` names the culprit. */
export class DnsValidationError extends Error {
  static readonly code = 'ERR_DNS_VALIDATION'
  readonly code = DnsValidationError.code
  readonly field: string
  readonly issues: Array<{ field: string, message: string }>

  constructor (issues: Array<{ field: string, message: string }>) {
    const first = issues[0] ?? { field: '', message: 'invalid input' }
    super(`Invalid DNS ${first.field === '' ? 'input' : `field "${first.field}"`}: ${first.message}`)
    this.name = 'DnsValidationError'
    this.field = first.field
    this.issues = issues
  }
}

/** A record clashes with one already stored (duplicate, or CNAME beside other data). */
export class DnsRecordConflictError extends Error {
  static readonly code = 'ERR_DNS_RECORD_CONFLICT'
  readonly code = DnsRecordConflictError.code

  constructor (message = 'The record conflicts with an existing record') {
    super(message)
    this.name = 'DnsRecordConflictError'
  }
}

/** No record has the given id. */
export class DnsRecordNotFoundError extends Error {
  static readonly code = 'ERR_DNS_RECORD_NOT_FOUND'
  readonly code = DnsRecordNotFoundError.code

  constructor (id: string) {
    super(`No DNS record with id "${id}"`)
    this.name = 'DnsRecordNotFoundError'
  }
}

/** The store already holds the maximum number of records. */
export class DnsRecordLimitError extends Error {
  static readonly code = 'ERR_DNS_RECORD_LIMIT'
  readonly code = DnsRecordLimitError.code

  constructor (limit: number) {
    super(`The DNS record store is full (${limit} records)`)
    this.name = 'DnsRecordLimitError'
  }
}

/** The server could not bind its UDP and TCP sockets. */
export class DnsBindError extends Error {
  static readonly code = 'ERR_DNS_BIND'
  readonly code = DnsBindError.code

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DnsBindError'
  }
}

/** start() was called on a running server, or a method needs a running one. */
export class DnsServerStateError extends Error {
  static readonly code = 'ERR_DNS_SERVER_STATE'
  readonly code = DnsServerStateError.code

  constructor (message: string) {
    super(message)
    this.name = 'DnsServerStateError'
  }
}

/** An upstream resolver did not answer in time or answered nonsense. */
export class DnsUpstreamError extends Error {
  static readonly code = 'ERR_DNS_UPSTREAM'
  readonly code = DnsUpstreamError.code

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DnsUpstreamError'
  }
}

/** A TCP peer announced a message longer than we accept. */
export class DnsFrameTooLargeError extends Error {
  static readonly code = 'ERR_DNS_FRAME_TOO_LARGE'
  readonly code = DnsFrameTooLargeError.code

  constructor (length: number, max: number) {
    super(`DNS message of ${length} bytes exceeds the ${max} byte limit`)
    this.name = 'DnsFrameTooLargeError'
  }
}
