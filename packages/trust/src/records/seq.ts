/**
 * Sequence numbers. Each issuer has ONE increasing sequence across all its
 * records (a Scuttlebutt-style feed): peers compare a single number per
 * issuer to know what they miss, and a newer record for the same slot
 * always carries a higher seq.
 */

/**
 * The seq for the next record: max(last + 1, now). Tying seqs to the clock
 * means a cell that lost its state (fresh disk, restored backup) still
 * issues seqs above everything it signed before, as long as it issued at
 * most one record per millisecond on average and its clock is not behind.
 */
export function nextSeq (lastSeq: bigint | number, now: number): number {
  const last = typeof lastSeq === 'bigint' ? Number(lastSeq) : lastSeq
  const next = Math.max(last + 1, Math.floor(now))
  if (!Number.isSafeInteger(next) || next < 0) {
    throw new RangeError(`seq out of range: ${next}`)
  }
  return next
}
