/**
 * A one-line progress bar on stderr (only when stderr is a terminal or
 * asked for), so stdout stays clean for the summary.
 */
import { PROGRESS_WIDTH } from '../constants.ts'

export class Progress {
  private readonly enabled: boolean
  private label = ''
  private lastDraw = 0

  constructor (enabled: boolean) {
    this.enabled = enabled
  }

  phase (label: string): void {
    this.label = label
    this.update(0, 1)
  }

  update (done: number, total: number): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.lastDraw < 100 && done < total) return
    this.lastDraw = now
    const share = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(share * PROGRESS_WIDTH)
    const bar = '#'.repeat(filled) + '-'.repeat(PROGRESS_WIDTH - filled)
    process.stderr.write(`\r${this.label.padEnd(28).slice(0, 28)} [${bar}] ${String(Math.round(share * 100)).padStart(3)}% ${done}/${total}  `)
  }

  done (): void {
    if (this.enabled) process.stderr.write('\n')
  }
}
