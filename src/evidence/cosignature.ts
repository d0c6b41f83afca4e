/**
 * C2SP tlog-cosignature (cosignature/v1): a witness's timestamped Ed25519
 * signature over `cosignature/v1\ntime <t>\n` followed by the checkpoint
 * text, stating that this is the largest consistent tree it has seen.
 *
 * @module
 */
import { sign, verify } from 'node:crypto'
import { type NoteSigner, type NoteVerifier, SIG_COSIGNATURE_V1 } from './note-keys.js'
import { type Note, signatureLine, signaturesBy } from './signed-note.js'

function message(text: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`)
}

function checkCosigner(key: { type: number; name: string }): void {
  if (key.type !== SIG_COSIGNATURE_V1) {
    throw new TypeError(`${key.name} is not a cosignature/v1 key (type 0x04)`)
  }
}

/** The signature line a witness adds to a checkpoint with text `text`, at `timestamp` (seconds). */
export function cosignatureLine(text: string, signer: NoteSigner, timestamp: number): string {
  checkCosigner(signer)
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new TypeError('the timestamp must be whole seconds ≥ 0')
  const stamp = Buffer.alloc(8)
  stamp.writeBigUInt64BE(BigInt(timestamp))
  const signature = sign(null, message(text, timestamp), signer.privateKey)
  return signatureLine(signer.name, signer.id, Buffer.concat([stamp, signature]))
}

/** The timestamp of a valid cosignature by `witness` on `note`, or null when it has none. */
export function cosignedAt(note: Note, witness: NoteVerifier): number | null {
  checkCosigner(witness)
  for (const s of signaturesBy(note, witness)) {
    if (s.signature.length !== 72) continue
    const timestamp = Number(Buffer.from(s.signature.subarray(0, 8)).readBigUInt64BE())
    if (!Number.isSafeInteger(timestamp)) continue
    if (verify(null, message(note.text, timestamp), witness.key, s.signature.subarray(8))) return timestamp
  }
  return null
}

/** Adds signature lines to a signed note. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  return `${note}${lines.join('')}`
}
