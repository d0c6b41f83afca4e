/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean | undefined }
  readonly stderr: { write(text: string): unknown; isTTY?: boolean | undefined }
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Reads all of standard input (default: the process's). */
  readonly stdin?: () => Promise<string>
}

/** Colour only when writing to a terminal and NO_COLOR is unset. */
export function paint(io: CliIo, code: number, text: string): string {
  return io.stdout.isTTY && !io.env.NO_COLOR ? `\u001b[${code}m${text}\u001b[0m` : text
}

export const GREEN = 32
export const RED = 31
export const YELLOW = 33
export const DIM = 2

/** All of standard input: the test's stand-in when there is one, else the process's. */
export async function readAllStdin(io: CliIo): Promise<string> {
  if (io.stdin) return io.stdin()
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
