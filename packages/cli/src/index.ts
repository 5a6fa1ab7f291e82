/**
 * @packageDocumentation
 *
 * The `cell` command line. It never loads agent code: it reads the API URL
 * and token from the data directory and talks HTTP.
 *
 * @example
 * ```sh
 * npx cell start            # run a cell in the foreground
 * npx cell peers --json     # machine-readable list of connected cells
 * ```
 */
export { run, buildProgram } from './main.ts'
export { connect } from './client.ts'
export type { ApiClient } from './client.ts'
export * from './errors.ts'
