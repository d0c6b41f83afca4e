/**
 * Path extraction and normalisation for path-based policy rules.
 *
 * @module
 */

/**
 * Lexically normalises a POSIX path so that patterns such as `/etc/*` cannot
 * be dodged by spelling the same file differently.
 *
 * @remarks
 * - `//` collapses to `/`, `.` segments disappear, `..` removes the previous
 *   segment and never climbs above the root (`/../etc` → `/etc`).
 * - **Relative paths resolve against `/`** (`etc/passwd` → `/etc/passwd`,
 *   `../../etc/passwd` → `/etc/passwd`). The working directory of the tool is
 *   unknown to policy, and the only base that can never make a deny rule miss
 *   is the root: it fails closed. Rules that want to match a relative name
 *   anywhere should use an unanchored pattern (e.g. `~\.env$`).
 * - A trailing `/` is kept (`/etc/` stays `/etc/`, so it still matches
 *   `/etc/*`); the empty path becomes `/`.
 * - Purely lexical: no file system access, so symlinks are not resolved, and
 *   `\` is an ordinary character (POSIX semantics).
 */
export function normalizePath(path: string): string {
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  const body = `/${out.join('/')}`
  return path.endsWith('/') && out.length > 0 ? `${body}/` : body
}

// Compared after lower-casing and dropping `_`/`-`, so `file_path`, `filePath`
// and `FILE-PATH` are the same key: a tool's own naming must not hide a path.
const PATH_KEYS = new Set([
  'path',
  'paths',
  'file',
  'files',
  'filename',
  'filenames',
  'filepath',
  'filepaths',
])

function isPathKey(key: string): boolean {
  return PATH_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''))
}

function collect(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value))
  else if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'string') out.push(item)
  }
}

/**
 * The file paths named in a tool call's arguments, as given (not normalised;
 * pass each through {@link normalizePath} before matching).
 *
 * @remarks
 * - A string is itself the path; an array of strings is a list of paths.
 * - For an object, **every** key naming a path counts, not only the first:
 *   `path`, `file_path`, `filename`, `file`, `filepath` and their plurals,
 *   compared case-insensitively and ignoring `_`/`-` (`filePath`, `FILE_PATH`).
 *   A list value contributes each of its string items.
 * - Anything else yields no paths. Empty strings are kept (they normalise to `/`).
 */
export function extractPaths(args: unknown): string[] {
  const out: string[] = []
  if (typeof args === 'string' || Array.isArray(args)) {
    collect(args, out)
    return out
  }
  if (typeof args !== 'object' || args === null) return out
  for (const [key, value] of Object.entries(args)) {
    if (isPathKey(key)) collect(value, out)
  }
  return out
}
