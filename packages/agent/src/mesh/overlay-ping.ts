/**
 * One ICMP echo over the overlay with the system `ping` (iputils): it is
 * setuid or has CAP_NET_RAW where the agent has neither, and it handles
 * IPv4 and IPv6 alike. The agent runs in the cell's network namespace, so
 * the packet leaves through the cell's own WireGuard interface.
 */
import { execFile } from 'node:child_process'
import { canonicalIp } from '@cell/mesh'
import { InvalidInputError } from '../errors.ts'
import { PING_TIMEOUT } from './constants.ts'

export interface PingResult {
  address: string
  ok: boolean
  /** Round-trip time in milliseconds, when answered */
  rttMs: number | null
  detail: string
}

export async function pingOnce (address: string, signal?: AbortSignal): Promise<PingResult> {
  // Canonical form guarantees the argument is an address, never an option.
  const target = canonicalIp(address)
  if (target == null) throw new InvalidInputError(`Not an IP address: ${address.slice(0, 64)}`)

  return await new Promise(resolve => {
    execFile('ping', ['-c1', '-W1', '-n', target], { timeout: PING_TIMEOUT, signal, encoding: 'utf8' }, (err, stdout, stderr) => {
      const rtt = /time[=<]([\d.]+) ?ms/.exec(stdout)
      if (err == null) {
        resolve({ address: target, ok: true, rttMs: rtt == null ? null : Number(rtt[1]), detail: 'answered' })
        return
      }
      const reason = stderr.trim().split('\n')[0] ?? ''
      resolve({ address: target, ok: false, rttMs: null, detail: reason !== '' ? reason : 'no answer within 1 s' })
    })
  })
}
