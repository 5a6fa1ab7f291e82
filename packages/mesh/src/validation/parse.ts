import { ValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import type { z } from 'zod'

/** The issues of a zod failure with dotted field paths (`prefixes.2`). */
export function validationIssues (error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    // An unknown key is reported on its parent object; name the key itself.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path
    return { field: path.map(String).join('.'), message: issue.message }
  })
}

/**
 * Parse an API body with one of the routing schemas. Returns the canonical
 * value or throws `ValidationError` whose `field` names the first bad field.
 */
export function parseRoutingBody<S extends z.ZodType> (schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body)
  if (!result.success) {
    throw new ValidationError(validationIssues(result.error))
  }
  return result.data
}
