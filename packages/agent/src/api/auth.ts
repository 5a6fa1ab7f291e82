/**
 * Bearer-token authentication for everything under `/api`. The token is
 * compared in constant time so its bytes cannot be probed by timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { UnauthorizedError } from '../errors.ts'
import type { Middleware } from 'koa'

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export function requireToken (token: string): Middleware {
  const expected = digest(token)
  return async (ctx, next) => {
    const header = ctx.get('authorization')
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (match == null) {
      throw new UnauthorizedError(header === '' ? 'Missing Authorization: Bearer <token> header' : 'Malformed Authorization header; expected Bearer <token>')
    }
    // Hashing first gives equal-length buffers for timingSafeEqual.
    if (!timingSafeEqual(digest(match[1]), expected)) {
      throw new UnauthorizedError('Invalid API token')
    }
    await next()
  }
}
