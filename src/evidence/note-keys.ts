/**
 * Ed25519 keys for signed notes (C2SP signed-note): key ids, verifier keys
 * (`<name>+<hex id>+<base64(type || public key)>`) and private signer keys
 * (`PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`, the form Go's
 * `sumdb/note` package reads and writes).
 *
 * @module
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'

/** Signature type bytes: 0x01 plain Ed25519 note signatures, 0x04 timestamped cosignatures. */
export const SIG_ED25519 = 0x01
export const SIG_COSIGNATURE_V1 = 0x04

// DER prefixes that wrap a raw 32-byte Ed25519 seed or public key (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** A key name: non-empty, no spaces, no `+`, no newlines (signed-note). */
export function checkKeyName(name: string): void {
  if (typeof name !== 'string' || name === '' || /[\s+]/u.test(name)) {
    throw new TypeError(`a key name must be non-empty with no spaces or '+', got ${JSON.stringify(name)}`)
  }
}

/** `SHA-256(name || "\n" || type || public key)[:4]`. */
export function keyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(name).update('\n').update(Uint8Array.of(type)).update(publicKey).digest(),
  ).subarray(0, 4)
}

/** An Ed25519 key that signs notes under a name. */
export interface NoteSigner {
  readonly name: string
  readonly type: number
  readonly publicKey: Uint8Array
  readonly id: Uint8Array
  readonly privateKey: KeyObject
}

/** A named Ed25519 public key that checks notes. */
export interface NoteVerifier {
  readonly name: string
  readonly type: number
  readonly publicKey: Uint8Array
  readonly id: Uint8Array
  readonly key: KeyObject
}

function rawPublic(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length))
}

/** A signer from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array, type = SIG_ED25519): NoteSigner {
  checkKeyName(name)
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes')
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = rawPublic(createPublicKey(privateKey))
  return { name, type, publicKey, id: keyId(name, type, publicKey), privateKey }
}

/** A new random signer and its private key text. */
export function generateSigner(name: string, type = SIG_ED25519): { signer: NoteSigner; skey: string } {
  const { privateKey } = generateKeyPairSync('ed25519')
  const seed = new Uint8Array(
    privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length),
  )
  const signer = signerFromSeed(name, seed, type)
  const skey = `PRIVATE+KEY+${name}+${Buffer.from(signer.id).toString('hex')}+${Buffer.concat([Uint8Array.of(type), seed]).toString('base64')}`
  return { signer, skey }
}

/** Reads a `PRIVATE+KEY+…` signer key; throws TypeError saying what is wrong. */
export function parseSignerKey(text: string): NoteSigner {
  // The base64 part may itself contain '+'.
  const match = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-fA-F]{8})\+(\S+)$/.exec(text.trim())
  if (!match) throw new TypeError('expected a signer key: PRIVATE+KEY+<name>+<hex key id>+<base64 key>')
  const [, name, hexId, b64] = match as unknown as [string, string, string, string]
  const raw = Buffer.from(b64, 'base64')
  if (raw.length !== 33 || (raw[0] !== SIG_ED25519 && raw[0] !== SIG_COSIGNATURE_V1)) {
    throw new TypeError('the signer key must hold a type byte (0x01 or 0x04) and a 32-byte Ed25519 seed')
  }
  const signer = signerFromSeed(name, new Uint8Array(raw.subarray(1)), raw[0])
  if (Buffer.from(signer.id).toString('hex') !== hexId.toLowerCase()) {
    throw new TypeError(`the signer key's id ${hexId} does not match its name and key`)
  }
  return signer
}

/** The verifier key text of a signer (safe to publish). */
export function verifierKey(key: {
  name: string
  type: number
  publicKey: Uint8Array
  id: Uint8Array
}): string {
  return `${key.name}+${Buffer.from(key.id).toString('hex')}+${Buffer.concat([Uint8Array.of(key.type), key.publicKey]).toString('base64')}`
}

/** Reads a verifier key (`<name>+<hex id>+<base64(type || key)>`); throws TypeError saying what is wrong. */
export function parseVerifierKey(text: string): NoteVerifier {
  const match = /^([^+\s]+)\+([0-9a-fA-F]{8})\+(\S+)$/.exec(text.trim())
  if (!match) throw new TypeError('expected a verifier key: <name>+<hex key id>+<base64 key>')
  const [, name, hexId, b64] = match as unknown as [string, string, string, string]
  checkKeyName(name)
  const raw = Buffer.from(b64, 'base64')
  if (raw.length !== 33 || (raw[0] !== SIG_ED25519 && raw[0] !== SIG_COSIGNATURE_V1)) {
    throw new TypeError('the verifier key must hold a type byte (0x01 or 0x04) and a 32-byte Ed25519 key')
  }
  const type = raw[0]!
  const publicKey = new Uint8Array(raw.subarray(1))
  const id = keyId(name, type, publicKey)
  if (Buffer.from(id).toString('hex') !== hexId.toLowerCase()) {
    throw new TypeError(`the verifier key's id ${hexId} does not match its name and key`)
  }
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  return { name, type, publicKey, id, key }
}
