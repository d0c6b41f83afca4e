/**
 * Plain-text tables for the command line: columns padded to their widest
 * cell, measured without colour codes so painted cells line up too.
 *
 * @module
 */

// Colour escapes (CSI … m) take no room on screen.
const ANSI = /\u001b\[[0-9;]*m/g

/** How many columns `text` takes on screen: without colour codes, counting code points. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length
}

/**
 * The rows as lines of aligned columns separated by two spaces, each line
 * ending in a newline. The last column is not padded, so long free text
 * (reasons, descriptions) does not leave trailing spaces.
 */
export function formatTable(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))
    })
  }
  return rows
    .map((row) => {
      const cells = row.map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleWidth(cell)),
      )
      return `${indent}${cells.join('  ')}`.trimEnd()
    })
    .map((line) => `${line}\n`)
    .join('')
}
