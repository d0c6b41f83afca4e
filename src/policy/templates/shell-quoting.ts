/**
 * Quoted words of the shell reader: double-quoted strings (which may hold
 * command substitutions), backtick substitutions and `$'…'` strings.
 *
 * @module
 */

/** The inside of `"…"`: backslash escapes applied, `$(…)` and backticks collected for reading as scripts. */
export function readDoubleQuoted(
  text: string,
  start: number,
  append: (s: string) => void,
  nested: string[],
  closeParen: (start: number) => number,
): number {
  let i = start
  let buf = ''
  while (i < text.length && text[i] !== '"') {
    const c = text[i]!
    const next = text[i + 1]
    if (c === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      if (next !== '\n') buf += next
      i += 2
    } else if (c === '$' && next === '(') {
      const end = closeParen(i + 2)
      nested.push(text.slice(i + 2, end - 1))
      buf += text.slice(i, end)
      i = end
    } else if (c === '`') {
      const end = findBacktick(text, i + 1)
      nested.push(text.slice(i + 1, end))
      buf += text.slice(i, end + 1)
      i = end + 1
    } else {
      buf += c
      i++
    }
  }
  append(buf)
  return i + 1
}

export function findBacktick(text: string, start: number): number {
  let j = start
  while (j < text.length && text[j] !== '`') j += text[j] === '\\' ? 2 : 1
  return Math.min(j, text.length)
}

const ANSI_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
}

/** `$'…'` strings, where `\x2d` is `-`: decoded so escapes cannot hide a flag. */
export function readAnsiC(text: string, start: number, append: (s: string) => void): number {
  let i = start
  let buf = ''
  while (i < text.length && text[i] !== "'") {
    const c = text[i]!
    if (c !== '\\') {
      buf += c
      i++
      continue
    }
    const e = text[i + 1] ?? ''
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1, i + 4))
    const uni = /^[uU]([0-9a-fA-F]{1,8})/.exec(text.slice(i + 1, i + 10))
    const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))
    if (hex) {
      buf += String.fromCharCode(Number.parseInt(hex[1]!, 16))
      i += 1 + hex[0].length
    } else if (uni) {
      const code = Number.parseInt(uni[1]!, 16)
      buf += code <= 0x10ffff ? String.fromCodePoint(code) : ''
      i += 1 + uni[0].length
    } else if (oct) {
      buf += String.fromCharCode(Number.parseInt(oct[0], 8))
      i += 1 + oct[0].length
    } else {
      buf += ANSI_ESCAPES[e] ?? `\\${e}`
      i += 2
    }
  }
  append(buf)
  return i + 1
}
