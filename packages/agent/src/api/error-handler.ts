/**
 * The one place where errors become HTTP responses. Every error body is
 * `{ "error": { "code", "message" } }`. Known errors carry their status;
 * anything unexpected is logged in full and answered with a generic 500
 * so internals never leak to a client.
 */
import { CellError } from '../errors.ts'
import type { Middleware } from 'koa'
import type { Logger } from 'pino'

interface HttpLikeError {
  status?: number
  statusCode?: number
  expose?: boolean
  type?: string
  message: string
  code?: string
  details?: unknown
  issues?: unknown
  field?: unknown
}

// Codes for errors thrown by body parsing (raw-body and friends).
const PARSER_CODES: Record<string, string> = {
  'entity.too.large': 'ERR_BODY_TOO_LARGE',
  'entity.parse.failed': 'ERR_MALFORMED_JSON',
  'entity.verify.failed': 'ERR_MALFORMED_BODY',
  'encoding.unsupported': 'ERR_UNSUPPORTED_ENCODING',
  'request.aborted': 'ERR_REQUEST_ABORTED'
}

// HTTP statuses of errors from our libraries (@cell/services ...), which
// carry a stable `code` but know nothing of HTTP. Bad input is 400, unknown
// things 404, wrong state 409, a locked vault 423; never a 500.
const LIBRARY_STATUS: Record<string, number> = {
  ERR_VAULT_NAME: 400,
  ERR_VAULT_CERT_REQUEST: 400,
  ERR_VAULT_PEER_CA: 400,
  ERR_VAULT_SECRET_TOO_LARGE: 400,
  ERR_VAULT_AGE_DECRYPT: 400,
  ERR_VAULT_SECRET_NOT_FOUND: 404,
  ERR_VAULT_CERT_NOT_FOUND: 404,
  ERR_VAULT_CERT_STATE: 409,
  ERR_VAULT_CLOSED: 409,
  ERR_VAULT_PASSPHRASE: 423,
  ERR_DNS_VALIDATION: 400,
  ERR_DNS_RECORD_NOT_FOUND: 404,
  ERR_DNS_RECORD_CONFLICT: 409,
  ERR_DNS_RECORD_LIMIT: 409,
  ERR_DNS_SERVER_STATE: 409,
  // @cell/mesh: a bad routing body or value names its field; a system tool
  // that failed is the machine's problem (502), not the client's.
  ERR_MESH_VALIDATION: 400,
  ERR_MESH_INVALID_ARGUMENT: 400,
  ERR_MESH_CONFIG_INVALID: 400,
  ERR_MESH_BACKEND_NOT_STARTED: 409,
  ERR_MESH_INTERFACE_BUSY: 409,
  ERR_MESH_PRIVILEGES: 503,
  ERR_MESH_WIREGUARD_UNAVAILABLE: 503,
  ERR_MESH_COMMAND_FAILED: 502,
  ERR_VAULT_CORRUPT: 503,
  // @cell/trust: a record or invite this cell was asked to make or accept
  // is invalid (400), or conflicts with what the store holds (409).
  ERR_INVALID_RECORD: 400,
  ERR_WRONG_ISSUER: 400,
  ERR_UNSUPPORTED_KEY: 400,
  ERR_RECORD_TOO_LARGE: 400,
  ERR_RECORD_MALFORMED: 400,
  ERR_INVITE_MALFORMED: 400,
  ERR_INVITE_TAMPERED: 400,
  ERR_INVITE_EXPIRED: 400,
  ERR_SEQ_CONFLICT: 409,
  ERR_ISSUER_QUOTA: 409,
  ERR_KEY_RETIRED: 409,
  ERR_STORE_NOT_OPEN: 503
}

export function errorHandler (log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next()
      if (ctx.status === 404 && ctx.body == null) {
        ctx.status = 404
        ctx.body = { error: { code: 'ERR_NO_ROUTE', message: `No route for ${ctx.method} ${ctx.path}` } }
      } else if (ctx.status === 405 || ctx.status === 501) {
        const allowed = ctx.response.get('Allow')
        ctx.body = { error: { code: 'ERR_METHOD_NOT_ALLOWED', message: `${ctx.method} is not allowed on ${ctx.path}${allowed !== '' ? `; allowed: ${allowed}` : ''}` } }
      }
    } catch (err) {
      const error = err as HttpLikeError
      if (err instanceof CellError) {
        ctx.status = err.status
        ctx.body = {
          error: {
            code: err.code,
            message: err.message,
            ...(error.details != null ? { details: error.details } : {}),
            ...(error.issues != null ? { issues: error.issues } : {})
          }
        }
        if (err.status >= 500) log.error({ err }, 'request failed: %s %s', ctx.method, ctx.path)
        return
      }

      const libraryStatus = error.code != null ? LIBRARY_STATUS[error.code] : undefined
      if (libraryStatus != null) {
        ctx.status = libraryStatus
        ctx.body = {
          error: {
            code: error.code,
            message: error.message,
            ...(typeof error.field === 'string' ? { field: error.field } : {}),
            ...(error.issues != null ? { issues: error.issues } : {})
          }
        }
        return
      }

      const status = error.status ?? error.statusCode
      if (status === 400 && err instanceof SyntaxError) {
        ctx.status = 400
        ctx.body = { error: { code: 'ERR_MALFORMED_JSON', message: `Request body is not valid JSON: ${err.message}` } }
        return
      }
      if (status != null && status >= 400 && status < 500 && error.expose !== false) {
        ctx.status = status
        ctx.body = {
          error: {
            code: (error.type != null ? PARSER_CODES[error.type] : undefined) ?? (status === 413 ? 'ERR_BODY_TOO_LARGE' : 'ERR_BAD_REQUEST'),
            message: status === 400 && error.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : error.message
          }
        }
        return
      }

      log.error({ err }, 'unexpected error: %s %s', ctx.method, ctx.path)
      ctx.status = 500
      ctx.body = { error: { code: 'ERR_INTERNAL', message: 'Internal error; see the agent log' } }
    }
  }
}
