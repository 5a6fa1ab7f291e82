/**
 * Deep merge used for partial config updates: objects merge key by key,
 * arrays and scalars replace. The result is validated afterwards, so this
 * function does not need to know the schema.
 */
export type JsonObject = Record<string, unknown>

export function isPlainObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function deepMerge (base: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    // A prototype key in JSON is hostile input, not configuration.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      continue
    }
    const current = result[key]
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value
  }
  return result
}
