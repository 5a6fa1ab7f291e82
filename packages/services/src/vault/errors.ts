/**
 * Errors of the vault library. Each class has a stable `name` and `code`;
 * callers and the API layer match on `code`. Messages never contain secret
 * material (passphrases, keys, secret values).
 */

/** The passphrase (or key file) does not unlock this vault. Nothing on disk was changed. */
export class VaultPassphraseError extends Error {
  static readonly code = 'ERR_VAULT_PASSPHRASE'
  readonly code = VaultPassphraseError.code

  constructor (message = 'The passphrase does not unlock this vault; nothing was changed') {
    super(message)
    this.name = 'VaultPassphraseError'
  }
}

/** A file under the vault directory is malformed, truncated or was tampered with. */
export class VaultCorruptError extends Error {
  static readonly code = 'ERR_VAULT_CORRUPT'
  readonly code = VaultCorruptError.code
  readonly file: string

  constructor (file: string, reason: string) {
    super(`Vault file "${file}" is unusable: ${reason}`)
    this.name = 'VaultCorruptError'
    this.file = file
  }
}

/** The vault was used before `open()` or after `close()`. */
export class VaultClosedError extends Error {
  static readonly code = 'ERR_VAULT_CLOSED'
  readonly code = VaultClosedError.code

  constructor (message = 'The vault is not open') {
    super(message)
    this.name = 'VaultClosedError'
  }
}

/** A secret, credential, cell or scope name is not acceptable. */
export class VaultNameError extends Error {
  static readonly code = 'ERR_VAULT_NAME'
  readonly code = VaultNameError.code

  constructor (kind: string, name: string, reason: string) {
    // Only echo a bounded, printable prefix of hostile input.
    const shown = JSON.stringify(String(name).slice(0, 80))
    super(`Invalid ${kind} name ${shown}: ${reason}`)
    this.name = 'VaultNameError'
  }
}

/** No secret has the given name. */
export class VaultSecretNotFoundError extends Error {
  static readonly code = 'ERR_VAULT_SECRET_NOT_FOUND'
  readonly code = VaultSecretNotFoundError.code

  constructor (name: string) {
    super(`No secret named "${name}"`)
    this.name = 'VaultSecretNotFoundError'
  }
}

/** A secret is larger than the vault accepts. */
export class VaultSecretTooLargeError extends Error {
  static readonly code = 'ERR_VAULT_SECRET_TOO_LARGE'
  readonly code = VaultSecretTooLargeError.code

  constructor (size: number, limit: number) {
    super(`Secret of ${size} bytes exceeds the limit of ${limit} bytes`)
    this.name = 'VaultSecretTooLargeError'
  }
}

/** A certificate request (common name, SANs, validity, usage) is invalid. */
export class VaultCertificateRequestError extends Error {
  static readonly code = 'ERR_VAULT_CERT_REQUEST'
  readonly code = VaultCertificateRequestError.code
  readonly field: string

  constructor (field: string, message: string) {
    super(`Invalid certificate request, ${field}: ${message}`)
    this.name = 'VaultCertificateRequestError'
    this.field = field
  }
}

/** No issued certificate has the given serial number. */
export class VaultCertificateNotFoundError extends Error {
  static readonly code = 'ERR_VAULT_CERT_NOT_FOUND'
  readonly code = VaultCertificateNotFoundError.code

  constructor (serial: string) {
    super(`No certificate with serial ${serial}`)
    this.name = 'VaultCertificateNotFoundError'
  }
}

/** The certificate is revoked or superseded and cannot be renewed or revoked again. */
export class VaultCertificateStateError extends Error {
  static readonly code = 'ERR_VAULT_CERT_STATE'
  readonly code = VaultCertificateStateError.code

  constructor (serial: string, status: string, action: string) {
    super(`Cannot ${action} certificate ${serial}: it is ${status}`)
    this.name = 'VaultCertificateStateError'
  }
}

/** A peer CA certificate offered for trust is not a usable CA certificate. */
export class VaultPeerCaError extends Error {
  static readonly code = 'ERR_VAULT_PEER_CA'
  readonly code = VaultPeerCaError.code

  constructor (cellId: string, reason: string) {
    super(`Refusing CA of cell "${cellId.slice(0, 80)}": ${reason}`)
    this.name = 'VaultPeerCaError'
  }
}

/** An age ciphertext is not addressed to this cell's identity or is damaged. */
export class VaultAgeDecryptError extends Error {
  static readonly code = 'ERR_VAULT_AGE_DECRYPT'
  readonly code = VaultAgeDecryptError.code

  constructor (reason: string) {
    super(`Cannot decrypt age file: ${reason}`)
    this.name = 'VaultAgeDecryptError'
  }
}
