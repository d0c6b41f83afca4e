/** A plain key: written after a dot. Anything else is quoted, so `a.b` the key never reads as `a` then `b`. */
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/**
 * How a parameter path reads in a message: `amount`, `items[0].sku`,
 * `headers["x.y"]`, `[""]`.
 */
export function paramPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else if (!PLAIN_KEY.test(part)) out += `[${JSON.stringify(part)}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}
