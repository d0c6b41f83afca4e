/**
 * Reading an HTTP body that has no business being large, without holding
 * more of it than the limit.
 *
 * @module
 */

/**
 * The body's bytes, or null once it runs past `limit` bytes (the rest is not
 * read: the stream is cancelled). An absent body reads as no bytes.
 */
export async function cappedBytes(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | null> {
  const reader = body?.getReader()
  if (!reader) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}

/** {@link cappedBytes} as UTF-8 text. */
export async function cappedText(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<string | null> {
  const bytes = await cappedBytes(body, limit)
  return bytes === null
    ? null
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}
