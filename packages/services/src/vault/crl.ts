/**
 * Certificate revocation lists (RFC 5280 section 5).
 *
 * node-forge 1.x parses and writes certificates and CSRs but has no CRL
 * support at all (no builder, no parser), and no other maintained pure-JS
 * library writes them, so the CertificateList is assembled here from
 * forge.asn1 primitives and the TBSCertList is signed by node:crypto:
 *
 *   CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
 *   TBSCertList ::= SEQUENCE {
 *     version v2, signature, issuer, thisUpdate, nextUpdate,
 *     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, revocationDate,
 *                                                crlEntryExtensions OPTIONAL } OPTIONAL,
 *     crlExtensions [0] EXPLICIT Extensions }
 */
import { sign } from 'node:crypto'
import forge from 'node-forge'
import { caKeyIdentifier } from './cert-builder.ts'
import type { CaSigner } from './cert-builder.ts'
import { serialToDerHex } from './keys.ts'

const { asn1 } = forge

/** CRLReason values (RFC 5280 5.3.1); certificateHold and removeFromCRL are not offered. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9
} as const

/** Why a certificate was revoked. */
export type RevocationReason = keyof typeof REVOCATION_REASONS

/** One revoked certificate. */
export interface RevokedEntry {
  serial: string
  revokedAt: Date
  reason: RevocationReason
}

/** Input of one CRL. */
export interface CrlSpec {
  /** Monotonically increasing cRLNumber (RFC 5280 5.2.3). */
  number: number
  thisUpdate: Date
  nextUpdate: Date
  revoked: RevokedEntry[]
}

const OID_SHA256_RSA = '1.2.840.113549.1.1.11'
const OID_AUTHORITY_KEY_ID = '2.5.29.35'
const OID_CRL_NUMBER = '2.5.29.20'
const OID_REASON_CODE = '2.5.29.21'

function seq (value: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value)
}

function integer (bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytes)
}

function oid (id: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes())
}

/** RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
function time (date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date))
}

function extension (id: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  const der = asn1.toDer(value).getBytes()
  return seq([oid(id), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, der)])
}

function signatureAlgorithm (): forge.asn1.Asn1 {
  return seq([oid(OID_SHA256_RSA), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')])
}

function revokedEntry (entry: RevokedEntry): forge.asn1.Asn1 {
  const fields = [integer(forge.util.hexToBytes(serialToDerHex(entry.serial))), time(entry.revokedAt)]
  // 5.3.1: the reasonCode extension SHOULD be absent for "unspecified".
  const code = REVOCATION_REASONS[entry.reason]
  if (code !== REVOCATION_REASONS.unspecified) {
    const reason = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(code))
    fields.push(seq([extension(OID_REASON_CODE, reason)]))
  }
  return seq(fields)
}

/** Build and sign a v2 CRL; returns its DER bytes and PEM text. */
export function buildCrl (ca: CaSigner, spec: CrlSpec): { der: Buffer, pem: string } {
  const authorityKeyId = seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, caKeyIdentifier(ca.cert))])
  const crlNumber = integer(asn1.integerToDer(spec.number).getBytes())

  const tbs: forge.asn1.Asn1[] = [
    integer(String.fromCharCode(1)), // v2, required because extensions are present (5.1.2.1)
    signatureAlgorithm(),
    forge.pki.distinguishedNameToAsn1(ca.cert.subject),
    time(spec.thisUpdate),
    time(spec.nextUpdate)
  ]
  // 5.1.2.6: with no revoked certificates the list MUST be absent, not empty.
  if (spec.revoked.length > 0) {
    tbs.push(seq(spec.revoked.map(revokedEntry)))
  }
  // 5.2.1 and 5.2.3: conforming CAs MUST include the AKI and the CRL number.
  tbs.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    seq([extension(OID_AUTHORITY_KEY_ID, authorityKeyId), extension(OID_CRL_NUMBER, crlNumber)])
  ]))

  const tbsCertList = seq(tbs)
  const tbsDer = Buffer.from(asn1.toDer(tbsCertList).getBytes(), 'binary')
  const signature = sign('sha256', tbsDer, ca.privateKey).toString('binary')

  const certificateList = seq([
    tbsCertList,
    signatureAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature)
  ])
  const derBytes = asn1.toDer(certificateList).getBytes()
  return {
    der: Buffer.from(derBytes, 'binary'),
    pem: forge.pem.encode({ type: 'X509 CRL', body: derBytes }).replace(/\r\n/g, '\n')
  }
}
