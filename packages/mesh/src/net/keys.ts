/**
 * WireGuard keys are Curve25519 keys, 32 bytes, written in base64 (44
 * characters with one `=`). The last character is limited because the
 * final base64 digit carries only 4 significant bits of the 32nd byte.
 */
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/

export function isWireguardKey (value: unknown): value is string {
  return typeof value === 'string' && WG_KEY.test(value)
}
