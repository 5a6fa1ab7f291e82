/**
 * Output for people (aligned tables, one fact per line) and for programs
 * (`--json`: the API's objects with their stable field names).
 */
export function printJson (value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function printTable (rows: Array<Record<string, unknown>>, columns: string[], empty = '(none)'): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`)
    return
  }
  const cells = rows.map(row => columns.map(column => formatCell(row[column])))
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map(line => line[i].length)))
  const line = (values: string[]): string => values.map((value, i) => value.padEnd(widths[i])).join('  ').trimEnd()
  process.stdout.write(`${line(columns.map(column => column.toUpperCase()))}\n`)
  for (const values of cells) {
    process.stdout.write(`${line(values)}\n`)
  }
}

export function printFields (fields: Array<[string, unknown]>): void {
  const width = Math.max(...fields.map(([label]) => label.length))
  for (const [label, value] of fields) {
    process.stdout.write(`${`${label}:`.padEnd(width + 2)}${formatCell(value)}\n`)
  }
}

function formatCell (value: unknown): string {
  if (value == null) return '-'
  if (Array.isArray(value)) return value.map(formatCell).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
