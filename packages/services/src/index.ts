/**
 * @packageDocumentation
 *
 * The services a cell runs for its person: DNS for the cell zone (names of
 * trusted cells and the user's own records) and the vault (certificate
 * authority and encrypted secrets).
 */
export * from './dns/index.ts'
export * from './vault/index.ts'
