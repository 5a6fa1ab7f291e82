/**
 * The vault of a cell: secrets encrypted at rest, a certificate authority
 * for the cell's services, and scoped trust in the CAs of other cells.
 *
 * @example
 * ```ts
 * import { Vault } from '@cell/services'
 * import { createServer } from 'node:https'
 *
 * const vault = new Vault({ dir: '/var/lib/cell/vault', passphrase, name: 'alice' })
 * await vault.open()
 * vault.start() // renew certificates before they expire
 *
 * await vault.putSecret('smtp-password', Buffer.from('hunter2'))
 * const { keyPem, certPem } = await vault.serverCredentials('api', ['alice.cell', '127.0.0.1'])
 * const server = createServer({ key: keyPem, cert: certPem }, handler)
 * vault.on('renewed', ({ current }) => {
 *   if (current.credential === 'api') server.setSecureContext({ key: current.keyPem, cert: current.certPem })
 * })
 *
 * await vault.acceptPeerCa('bob', bobCaPem, ['mesh'])
 * const tlsOptions = await vault.tlsOptionsFor({ scope: 'mesh' })
 * ```
 */
export { Vault, CELL_TLS_CREDENTIAL } from './vault.ts'
export { REVOCATION_REASONS } from './crl.ts'
export {
  VaultPassphraseError, VaultCorruptError, VaultClosedError, VaultNameError, VaultSecretNotFoundError,
  VaultSecretTooLargeError, VaultCertificateRequestError, VaultCertificateNotFoundError,
  VaultCertificateStateError, VaultPeerCaError, VaultAgeDecryptError
} from './errors.ts'
export type {
  VaultInit, IssueRequest, CertificateInfo, IssuedCertificate, RenewedEvent, CrlInfo, RenewDueOptions,
  PeerCa, VaultTlsOptions, PeerIdentity, VaultEvents, CertificateUsage, CertificateStatus, RevocationReason
} from './types.ts'
