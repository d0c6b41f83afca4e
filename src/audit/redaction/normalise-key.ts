/**
 * Key normalisation: what a key is compared as, so that look-alike spellings
 * of a sensitive key (`pаssword` with a Cyrillic `а`, fullwidth `ｐａｓｓｗｏｒｄ`,
 * `pass\u200Bword` with a zero-width space) are still recognised.
 *
 * @module
 */

// Characters that render as nothing: zero-width spaces and joiners, the soft
// hyphen, word joiners, variation selectors, the byte order mark and
// bidirectional controls (Unicode's default-ignorable code points).
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu

// Cyrillic and Greek letters that look like Latin ones. NFKC leaves them
// alone (they are different letters), so they are mapped here; case is kept
// so that camelCase word splitting still works.
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  ӏ: 'l',
  А: 'A',
  В: 'B',
  Е: 'E',
  Ё: 'E',
  І: 'I',
  Ї: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  Ѕ: 'S',
  Ү: 'Y',
  Ԁ: 'D',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ӏ: 'I',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
}
const LOOK_ALIKE_CHARS = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'g')

// Only keys with characters outside printable ASCII need the work below.
const NOT_PLAIN_ASCII = /[^\x20-\x7E]/

/**
 * The form of `key` that key rules are matched against: NFKC-normalised,
 * invisible characters removed, Cyrillic and Greek look-alikes of Latin
 * letters replaced by those letters. Plain ASCII keys are returned unchanged.
 */
export function normaliseKey(key: string): string {
  if (!NOT_PLAIN_ASCII.test(key)) return key
  return key
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(LOOK_ALIKE_CHARS, (c) => LOOK_ALIKES[c] ?? c)
}
