/**
 * X.509 certificates of the cell's CA, built and signed with node-forge.
 *
 * Profile (RFC 5280 section 4.2):
 * - root: basicConstraints cA=TRUE critical, keyUsage keyCertSign + cRLSign
 *   critical, subjectKeyIdentifier; self-signed.
 * - leaf: basicConstraints cA=FALSE critical; keyUsage digitalSignature +
 *   keyEncipherment critical (RSA keys are used for both TLS 1.3 signatures
 *   and TLS 1.2 RSA key transport); extKeyUsage serverAuth and/or
 *   clientAuth; subjectAltName with the DNS names and IP addresses;
 *   subjectKeyIdentifier; authorityKeyIdentifier naming the CA key, so
 *   verifiers (and the CRL's matching AKI) find the issuer after a re-key.
 * Everything is signed sha256WithRSAEncryption.
 *
 * forge builds and encodes the certificate, but the signature is made by
 * node:crypto over forge's DER TBSCertificate: forge's `cert.sign` runs the
 * RSA private-key operation in JavaScript and stalls the event loop about
 * 40 ms per signature, OpenSSL takes about 1 ms.
 */
import { X509Certificate, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import forge from 'node-forge'
import { BACKDATE_MS, CA_VALIDITY_DAYS, DAY } from './constants.ts'
import { serialToDerHex } from './keys.ts'
import type { SplitSans } from './names.ts'

/** What a leaf certificate may be used for. */
export type CertificateUsage = 'server' | 'client'

const ORGANIZATION = 'Personal Internet Cell'

/** The signing half of a CA: its certificate and private key. */
export interface CaSigner {
  cert: forge.pki.Certificate
  privateKey: KeyObject
}

// getTBSCertificate is public in node-forge (lib/x509.js) but missing from
// @types/node-forge.
const pki = forge.pki as typeof forge.pki & {
  getTBSCertificate: (cert: forge.pki.Certificate) => forge.asn1.Asn1
}

/** Sign `cert` sha256WithRSAEncryption with OpenSSL, exactly as forge's cert.sign would lay it out. */
function signCertificate (cert: forge.pki.Certificate, key: KeyObject): void {
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption
  const tbs = pki.getTBSCertificate(cert)
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary')
  cert.tbsCertificate = tbs
  cert.signature = sign('sha256', der, key).toString('binary')
}

/** Input of a leaf certificate. */
export interface LeafSpec {
  serial: string
  commonName: string
  sans: SplitSans
  usage: CertificateUsage[]
  notBefore: Date
  notAfter: Date
  publicKey: forge.pki.rsa.PublicKey
}

/** Create the self-signed root certificate of a cell's CA. */
export function buildCaCertificate (
  serial: string,
  commonName: string,
  key: { privateKey: KeyObject, publicKey: forge.pki.rsa.PublicKey },
  now: Date
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = key.publicKey
  cert.serialNumber = serialToDerHex(serial)
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS)
  cert.validity.notAfter = new Date(now.getTime() + CA_VALIDITY_DAYS * DAY)

  const subject = [
    { shortName: 'CN', value: commonName },
    { shortName: 'O', value: ORGANIZATION }
  ]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' }
  ])

  signCertificate(cert, key.privateKey)
  return cert
}

/** PEM text with LF line ends (forge writes CRLF; node, openssl and most tools print LF). */
export function toPem (cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n')
}

/** The CA's subjectKeyIdentifier as a forge byte string. */
export function caKeyIdentifier (ca: forge.pki.Certificate): string {
  return ca.generateSubjectKeyIdentifier().getBytes()
}

/** Build and sign a leaf certificate under `ca`. */
export function buildLeafCertificate (ca: CaSigner, spec: LeafSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = spec.publicKey
  cert.serialNumber = serialToDerHex(spec.serial)
  cert.validity.notBefore = spec.notBefore
  cert.validity.notAfter = spec.notAfter
  cert.setSubject([{ shortName: 'CN', value: spec.commonName }])
  cert.setIssuer(ca.cert.subject.attributes)

  const altNames = [
    ...spec.sans.dns.map(value => ({ type: 2, value })),
    ...spec.sans.ip.map(ip => ({ type: 7, ip }))
  ]
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    {
      name: 'extKeyUsage',
      serverAuth: spec.usage.includes('server'),
      clientAuth: spec.usage.includes('client')
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(ca.cert) }
  ]
  if (altNames.length > 0) {
    extensions.push({ name: 'subjectAltName', altNames })
  }
  cert.setExtensions(extensions)

  signCertificate(cert, ca.privateKey)
  return cert
}

/** Whether `privateKey` belongs to the certificate `certPem`. */
export function keysMatch (certPem: string, privateKey: KeyObject): boolean {
  return new X509Certificate(certPem).checkPrivateKey(privateKey)
}
