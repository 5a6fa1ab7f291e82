/**
 * The cell's age identity (X25519, https://age-encryption.org/v1). Its
 * recipient `age1...` is public: other cells and the owner encrypt backups
 * or shared secrets to it with any age implementation, and only this vault
 * can decrypt them. The identity string is sealed in the internal store.
 */
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { VaultAgeDecryptError } from './errors.ts'
import type { SecretStore } from './secret-store.ts'

const AGE_IDENTITY = 'age-identity'

/** An unlocked age identity. */
export class AgeIdentity {
  readonly recipient: string
  readonly #decrypter: Decrypter

  private constructor (identity: string, recipient: string) {
    this.recipient = recipient
    this.#decrypter = new Decrypter()
    this.#decrypter.addIdentity(identity)
  }

  /** Generate a new X25519 identity and seal it into `internal`. */
  static async create (internal: SecretStore): Promise<void> {
    // generateX25519Identity rather than generateIdentity: the latter may
    // switch to post-quantum hybrid keys, whose `age1pq1` recipients older
    // age tools cannot encrypt to.
    const identity = await generateX25519Identity()
    await internal.put(AGE_IDENTITY, Buffer.from(identity, 'utf8'))
  }

  /** Unseal the identity from `internal`. */
  static async load (internal: SecretStore): Promise<AgeIdentity> {
    const identity = (await internal.get(AGE_IDENTITY)).toString('utf8')
    return new AgeIdentity(identity, await identityToRecipient(identity))
  }

  /** Decrypt an age file (binary format) addressed to this identity. */
  async decrypt (ciphertext: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.#decrypter.decrypt(ciphertext)
    } catch (err) {
      throw new VaultAgeDecryptError(err instanceof Error ? err.message : 'unknown failure')
    }
  }
}
