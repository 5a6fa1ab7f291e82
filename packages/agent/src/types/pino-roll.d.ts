// pino-roll ships no type declarations; this covers the options we use.
declare module 'pino-roll' {
  import type { SonicBoom } from 'sonic-boom'

  interface RollOptions {
    file: string
    extension?: string
    size?: string | number
    frequency?: string | number
    limit?: { count: number }
    mkdir?: boolean
  }

  export default function roll (options: RollOptions): Promise<SonicBoom>
}
