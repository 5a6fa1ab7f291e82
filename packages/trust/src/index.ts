/**
 * @packageDocumentation
 *
 * The trust core of a cell: signed records, their store, and the trust
 * metric each cell computes from its own point of view. Pure: no networking.
 */
export * from './overlay/addresses.ts'
