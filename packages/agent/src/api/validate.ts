/**
 * Schema validation of request bodies, queries and path parameters. A
 * failure is a 400 whose message names each offending field.
 */
import { InvalidInputError } from '../errors.ts'
import { describeIssues } from '../config/schema.ts'
import type { z } from 'zod'

export function parseInput<T extends z.ZodType> (schema: T, value: unknown, what = 'body'): z.infer<T> {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issues = describeIssues(result.error)
    const summary = issues.map(issue => `${issue.path === '' ? what : `${what}.${issue.path}`}: ${issue.message}`).join('; ')
    throw new InvalidInputError(`Invalid ${what}: ${summary}`, issues)
  }
  return result.data
}
