/**
 * Sizes in configuration files: `512b`, `64kb`, `1mb`, `1gb` (powers of 1024).
 *
 * @module
 */

const UNIT_BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const
const SIZE = /^(\d+)\s*(b|kb|mb|gb)$/i

/** What a size must look like, for error messages. */
export const BYTE_SIZE_EXPECTED = 'expected a size such as 512kb, 1mb or 2gb'

/** Bytes in `text`, or `undefined` when it is not a size. A bare number is refused: the unit must be written. */
export function parseByteSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim())
  if (!match) return undefined
  const bytes = Number(match[1]) * UNIT_BYTES[match[2]!.toLowerCase() as keyof typeof UNIT_BYTES]
  return Number.isSafeInteger(bytes) ? bytes : undefined
}
