/**
 * Errors raised by the trust core. Each class has a stable `name` and
 * `code`; callers and tests match on `code`. `classifyError` (records/
 * classify.ts) maps codes to the gossip verdicts 'reject' and 'ignore'.
 */
export class TrustError extends Error {
  readonly code: string

  constructor (message: string, code: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TrustError'
    this.code = code
  }
}

export class RecordTooLargeError extends TrustError {
  static readonly code = 'ERR_RECORD_TOO_LARGE'

  constructor (message = 'Record exceeds the size limit') {
    super(message, RecordTooLargeError.code)
    this.name = 'RecordTooLargeError'
  }
}

export class RecordMalformedError extends TrustError {
  static readonly code = 'ERR_RECORD_MALFORMED'

  constructor (message = 'Record could not be decoded', options?: ErrorOptions) {
    super(message, RecordMalformedError.code, options)
    this.name = 'RecordMalformedError'
  }
}

export class InvalidRecordError extends TrustError {
  static readonly code = 'ERR_INVALID_RECORD'

  constructor (message = 'Record fields are invalid', options?: ErrorOptions) {
    super(message, InvalidRecordError.code, options)
    this.name = 'InvalidRecordError'
  }
}

export class UnknownPayloadTypeError extends TrustError {
  static readonly code = 'ERR_UNKNOWN_PAYLOAD_TYPE'

  constructor (message = 'Unknown record payload type') {
    super(message, UnknownPayloadTypeError.code)
    this.name = 'UnknownPayloadTypeError'
  }
}

export class UnsupportedKeyError extends TrustError {
  static readonly code = 'ERR_UNSUPPORTED_KEY'

  constructor (message = 'Only Ed25519 keys can sign records') {
    super(message, UnsupportedKeyError.code)
    this.name = 'UnsupportedKeyError'
  }
}

export class SignatureInvalidError extends TrustError {
  static readonly code = 'ERR_SIGNATURE_INVALID'

  constructor (message = 'Record signature does not verify') {
    super(message, SignatureInvalidError.code)
    this.name = 'SignatureInvalidError'
  }
}

export class WrongDomainError extends TrustError {
  static readonly code = 'ERR_WRONG_DOMAIN'

  constructor (message = 'Signature was made for another record kind') {
    super(message, WrongDomainError.code)
    this.name = 'WrongDomainError'
  }
}

export class WrongIssuerError extends TrustError {
  static readonly code = 'ERR_WRONG_ISSUER'

  constructor (message = 'Signing key does not belong to the record issuer') {
    super(message, WrongIssuerError.code)
    this.name = 'WrongIssuerError'
  }
}

export class OverlayClaimInvalidError extends TrustError {
  static readonly code = 'ERR_OVERLAY_CLAIM_INVALID'

  constructor (message = 'Overlay addresses are not derived from the cell key') {
    super(message, OverlayClaimInvalidError.code)
    this.name = 'OverlayClaimInvalidError'
  }
}

export class RecordExpiredError extends TrustError {
  static readonly code = 'ERR_RECORD_EXPIRED'

  constructor (message = 'Record has expired') {
    super(message, RecordExpiredError.code)
    this.name = 'RecordExpiredError'
  }
}

export class RecordFromFutureError extends TrustError {
  static readonly code = 'ERR_RECORD_FROM_FUTURE'

  constructor (message = 'Record is dated in the future beyond the allowed clock skew') {
    super(message, RecordFromFutureError.code)
    this.name = 'RecordFromFutureError'
  }
}

export class KeyRetiredError extends TrustError {
  static readonly code = 'ERR_KEY_RETIRED'

  constructor (message = 'Record was signed after its key was rotated or compromised') {
    super(message, KeyRetiredError.code)
    this.name = 'KeyRetiredError'
  }
}

export class SeqConflictError extends TrustError {
  static readonly code = 'ERR_SEQ_CONFLICT'

  constructor (message = 'Issuer already used this seq for another record') {
    super(message, SeqConflictError.code)
    this.name = 'SeqConflictError'
  }
}

export class IssuerQuotaError extends TrustError {
  static readonly code = 'ERR_ISSUER_QUOTA'

  constructor (message = 'Issuer holds the maximum number of stored records') {
    super(message, IssuerQuotaError.code)
    this.name = 'IssuerQuotaError'
  }
}

export class StoreNotOpenError extends TrustError {
  static readonly code = 'ERR_STORE_NOT_OPEN'

  constructor (message = 'Trust store is not open') {
    super(message, StoreNotOpenError.code)
    this.name = 'StoreNotOpenError'
  }
}

export class InviteMalformedError extends TrustError {
  static readonly code = 'ERR_INVITE_MALFORMED'

  constructor (message = 'Invite token could not be decoded', options?: ErrorOptions) {
    super(message, InviteMalformedError.code, options)
    this.name = 'InviteMalformedError'
  }
}

export class InviteTamperedError extends TrustError {
  static readonly code = 'ERR_INVITE_TAMPERED'

  constructor (message = 'Invite token was altered after the inviter signed it') {
    super(message, InviteTamperedError.code)
    this.name = 'InviteTamperedError'
  }
}

export class InviteExpiredError extends TrustError {
  static readonly code = 'ERR_INVITE_EXPIRED'

  constructor (message = 'Invite has expired') {
    super(message, InviteExpiredError.code)
    this.name = 'InviteExpiredError'
  }
}
