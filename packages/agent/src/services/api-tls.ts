/**
 * HTTPS for the cell's API: a server certificate from the cell's own CA,
 * kept under the vault credential `api` and renewed by the vault's timer.
 * Clients trust `<dataDir>/vault/ca.pem`.
 */
import { CellError } from '../errors.ts'
import type { ApiTlsCredentials } from '../api/server.ts'
import type { VaultManager } from './vault-manager.ts'
import type { IssuedCertificate } from '@cell/services'

/** Vault credential name of the API's certificate. */
export const API_CREDENTIAL = 'api'

/** Names the API certificate covers: the listen host (unless a wildcard), localhost and 127.0.0.1. */
export function apiCertificateNames (host: string): string[] {
  const names = [host, 'localhost', '127.0.0.1'].filter(name => name !== '0.0.0.0' && name !== '::')
  return [...new Set(names)]
}

/** The API's key and certificate; refuses (never falls back to plain HTTP) when the vault is not open. */
export async function apiTlsCredentials (vault: VaultManager, host: string): Promise<ApiTlsCredentials> {
  let issued: IssuedCertificate
  try {
    issued = await vault.vault.serverCredentials(API_CREDENTIAL, apiCertificateNames(host))
  } catch (err) {
    throw new CellError(`api.tls is on but the API certificate is unavailable (${(err as Error).message}); refusing to serve the API without TLS`, 'ERR_API_TLS', 500, { cause: err })
  }
  return { key: issued.keyPem, cert: issued.certPem }
}
