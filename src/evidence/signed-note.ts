/**
 * The C2SP signed-note format: a UTF-8 text ending in a newline, a blank
 * line, then one or more `— <key name> <base64(key id || signature)>` lines.
 *
 * @module
 */
import { sign, verify } from 'node:crypto'
import type { NoteSigner, NoteVerifier } from './note-keys.js'

/** One signature line, decoded. */
export interface NoteSignature {
  readonly name: string
  readonly id: Uint8Array
  /** What follows the key id (the Ed25519 signature, or timestamp and signature for a cosignature). */
  readonly signature: Uint8Array
}

/** A note split into its text (with the final newline) and signatures. */
export interface Note {
  readonly text: string
  readonly signatures: readonly NoteSignature[]
}

const DASH = '\u2014 '

/** Formats one signature line (with its newline). */
export function signatureLine(name: string, id: Uint8Array, signature: Uint8Array): string {
  return `${DASH}${name} ${Buffer.concat([id, signature]).toString('base64')}\n`
}

/** Signs `text` (which must end in a newline) with each signer; returns the whole note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text)
  const lines = signers.map((s) => signatureLine(s.name, s.id, sign(null, Buffer.from(text), s.privateKey)))
  return `${text}\n${lines.join('')}`
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new TypeError('a note text must end with a newline')
  if (text.includes('\n\n')) throw new TypeError('a note text must not contain a blank line')
}

/** Splits a note; throws TypeError saying what is malformed. */
export function parseNote(note: string): Note {
  const split = note.lastIndexOf('\n\n')
  if (split < 0) throw new TypeError('a signed note needs its text, a blank line, then signature lines')
  const text = note.slice(0, split + 1)
  const rest = note.slice(split + 2)
  if (!rest.endsWith('\n')) throw new TypeError('the last signature line must end with a newline')
  const signatures = rest
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line)
      const raw = match ? Buffer.from(match[2]!, 'base64') : undefined
      if (!match || !raw || raw.length < 5)
        throw new TypeError(`not a signature line: ${JSON.stringify(line)}`)
      return {
        name: match[1]!,
        id: new Uint8Array(raw.subarray(0, 4)),
        signature: new Uint8Array(raw.subarray(4)),
      }
    })
  return { text, signatures }
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b))
}

/** The signatures in `note` by `verifier` (same name and key id). */
export function signaturesBy(note: Note, verifier: { name: string; id: Uint8Array }): NoteSignature[] {
  return note.signatures.filter((s) => s.name === verifier.name && sameId(s.id, verifier.id))
}

/** True when `note` carries a valid plain Ed25519 signature by `verifier`. */
export function hasValidSignature(note: Note, verifier: NoteVerifier): boolean {
  return signaturesBy(note, verifier).some(
    (s) => s.signature.length === 64 && verify(null, Buffer.from(note.text), verifier.key, s.signature),
  )
}
