/**
 * Where the guard keeps its embedded store when none is given.
 *
 * @module
 */
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

/** What {@link guardStateDir} reads; the process's own by default. */
export interface GuardStateDirSource {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

/**
 * The user's state folder for Airlock: `$XDG_STATE_HOME/airlock`, else
 * `~/Library/Application Support/airlock` on macOS, `%LOCALAPPDATA%\airlock`
 * on Windows and `~/.local/state/airlock` elsewhere.
 *
 * @remarks Outside the working tree on purpose: an agent may write anywhere in
 * the project it works on, and whoever can write the store can write an
 * approval into it. A relative `XDG_STATE_HOME` is ignored, as the XDG
 * specification requires.
 */
export function guardStateDir(source: GuardStateDirSource = {}): string {
  const env = source.env ?? process.env
  const platform = source.platform ?? process.platform
  const home = source.home ?? homedir()
  const xdg = env.XDG_STATE_HOME
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'airlock')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'airlock')
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA
    return join(local !== undefined && isAbsolute(local) ? local : join(home, 'AppData', 'Local'), 'airlock')
  }
  return join(home, '.local', 'state', 'airlock')
}
