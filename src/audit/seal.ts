/**
 * AES-256-GCM envelopes for the original inputs of held requests.
 *
 * @remarks Approval records show redacted inputs to humans, but the action
 * must later run with the real ones. Those are kept sealed: encrypted and
 * authenticated, with the approval id as associated data so an envelope only
 * opens for the approval it was made for. Format:
 * `v1.<kid>.<iv base64url>.<ciphertext+tag base64url>`.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { randomBuffer } from '../internal/random-pool.js'

/** A 32-byte key: base64 (standard or url-safe), 64 hex characters, or raw bytes. */
export type SealKey = string | Uint8Array

/** Options for {@link createSealer}. */
export interface SealerConfig {
  /** Every key that may open an envelope, by key id. Keep retired keys here until nothing sealed with them remains. */
  readonly keys: Readonly<Record<string, SealKey>>
  /** Key id used for new envelopes. */
  readonly current: string
}

/** Seals and opens envelopes. */
export interface Sealer {
  /** Key id used for new envelopes. */
  readonly current: string
  /** Encrypts the JSON text of `value`, bound to `aad` (e.g. the approval id). Throws AirlockError INPUT_INVALID when `value` is not JSON. */
  seal(value: unknown, aad: string): string
  /** Decrypts an envelope made with the same `aad`; throws AirlockError SEAL_INVALID otherwise. */
  open(sealed: string, aad: string): unknown
  /** Whether an envelope was sealed with a key other than the current one (and should be re-sealed). Throws SEAL_INVALID when it is malformed or its key is unknown. */
  needsRotation(sealed: string): boolean
}

const VERSION = 'v1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KID = /^[A-Za-z0-9_-]{1,64}$/
const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/
const BASE64URL_STRICT = /^[A-Za-z0-9_-]*$/

/** A new random 32-byte key, base64. */
export function generateSealKey(): string {
  return randomBytes(KEY_BYTES).toString('base64')
}

function configInvalid(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `seal: ${message}`)
}

function sealInvalid(message: string, cause?: unknown): AirlockError {
  return new AirlockError(ErrorCode.SEAL_INVALID, message, cause === undefined ? {} : { cause })
}

// Messages name the key id, never any key material.
function decodeKey(kid: string, key: SealKey): Buffer {
  let bytes: Buffer
  if (typeof key === 'string') {
    const text = key.trim()
    if (HEX_KEY.test(text)) bytes = Buffer.from(text, 'hex')
    else if (BASE64.test(text)) bytes = Buffer.from(text, 'base64')
    else if (BASE64URL.test(text)) bytes = Buffer.from(text, 'base64url')
    else throw configInvalid(`key '${kid}' is neither base64 nor hex`)
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key)
  } else {
    throw configInvalid(`key '${kid}' must be a string or bytes`)
  }
  if (bytes.length !== KEY_BYTES) {
    throw configInvalid(`key '${kid}' must be ${KEY_BYTES} bytes, got ${bytes.length}`)
  }
  return bytes
}

// The version and key id are authenticated too, so no part of the envelope
// can be changed without the tag failing.
function associatedData(kid: string, aad: string): Buffer {
  return Buffer.from(`airlock-seal:${VERSION}:${kid}:${aad}`, 'utf8')
}

/**
 * Builds a sealer from a key ring. Throws AirlockError CONFIG_INVALID when a
 * key is not 32 bytes, a key id is not `[A-Za-z0-9_-]{1,64}`, or `current`
 * is not in `keys`.
 *
 * @remarks Rotation: add a new key, make it `current`, keep the old one in
 * `keys`; envelopes sealed with the old key still open.
 */
export function createSealer(config: SealerConfig): Sealer {
  const ring = new Map<string, Buffer>()
  for (const [kid, key] of Object.entries(config.keys)) {
    if (!KID.test(kid)) throw configInvalid(`key id '${kid}' must match [A-Za-z0-9_-]{1,64}`)
    ring.set(kid, decodeKey(kid, key))
  }
  const current = config.current
  const currentKey = ring.get(current)
  if (currentKey === undefined) throw configInvalid(`current key id '${current}' is not among the keys`)

  function parse(sealed: string): { kid: string; key: Buffer; iv: Buffer; body: Buffer } {
    if (typeof sealed !== 'string') throw sealInvalid('sealed payload is not a string')
    const parts = sealed.split('.')
    if (parts.length !== 4 || parts[0] !== VERSION) throw sealInvalid('sealed payload is malformed')
    const [, kid, ivText, bodyText] = parts as [string, string, string, string]
    if (!BASE64URL_STRICT.test(ivText) || !BASE64URL_STRICT.test(bodyText)) {
      throw sealInvalid('sealed payload is malformed')
    }
    const key = ring.get(kid)
    if (key === undefined) throw sealInvalid(`sealed payload uses unknown key id '${kid}'`)
    const iv = Buffer.from(ivText, 'base64url')
    const body = Buffer.from(bodyText, 'base64url')
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw sealInvalid('sealed payload is malformed')
    return { kid, key, iv, body }
  }

  return {
    current,
    seal(value: unknown, aad: string): string {
      let json: string | undefined
      try {
        json = JSON.stringify(value)
      } catch (error) {
        throw new AirlockError(ErrorCode.INPUT_INVALID, 'cannot seal a value that is not JSON', {
          cause: error,
        })
      }
      if (json === undefined)
        throw new AirlockError(ErrorCode.INPUT_INVALID, 'cannot seal a value that is not JSON')
      const iv = randomBuffer(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(associatedData(current, aad))
      const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${VERSION}.${current}.${iv.toString('base64url')}.${body.toString('base64url')}`
    },
    open(sealed: string, aad: string): unknown {
      const { kid, key, iv, body } = parse(sealed)
      let plain: string
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
        decipher.setAAD(associatedData(kid, aad))
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
        plain = Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8')
      } catch (error) {
        throw sealInvalid('sealed payload does not open: wrong key, wrong approval, or tampered data', error)
      }
      try {
        return JSON.parse(plain) as unknown
      } catch (error) {
        throw sealInvalid('sealed payload does not hold JSON', error)
      }
    },
    needsRotation(sealed: string): boolean {
      return parse(sealed).kid !== current
    },
  }
}
