/**
 * `{name}` placeholders in argv elements, URL paths, headers and bodies.
 * A placeholder is replaced by one value and never re-parsed: an argv
 * element stays one argument whatever the value holds (spaces, `;`, `$(…)`,
 * newlines), because no shell ever sees it.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}/g

/** What a credential value is shown as wherever a call is displayed or stored. */
export const MASKED_CREDENTIAL = '[credential]'

/** The placeholder names of a template, in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!)
}

/** Values a template can draw on: the params, and the credential's values (or a mask when planning). */
export interface TemplateValues {
  readonly params: Readonly<Record<string, unknown>>
  /** Absent when planning: `{credential.x}` then renders as {@link MASKED_CREDENTIAL}. */
  readonly credential?: Readonly<Record<string, string>> | undefined
}

function refuse(message: string): AirlockError {
  return new AirlockError(ErrorCode.INPUT_INVALID, message)
}

function lookup(name: string, values: TemplateValues): unknown {
  if (name.startsWith('credential.')) {
    if (values.credential === undefined) return MASKED_CREDENTIAL
    const value = values.credential[name.slice('credential.'.length)]
    if (value === undefined) throw refuse(`the credential has no value named '${name.slice(11)}'`)
    return value
  }
  if (!(name in values.params) || values.params[name] === undefined || values.params[name] === null) {
    throw refuse(`parameter '${name}' has no value`)
  }
  return values.params[name]
}

function scalar(name: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw refuse(
    `parameter '${name}' is a ${Array.isArray(value) ? 'list' : 'structure'}; a placeholder takes one value`,
  )
}

/** Replaces every placeholder of `template` by its value's text. */
export function renderString(
  template: string,
  values: TemplateValues,
  encode: (text: string) => string = (t) => t,
): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => encode(scalar(name, lookup(name, values))))
}

/**
 * One argv element. A value that begins a positional argument (the element
 * starts with the placeholder) may not start with `-`: it would be read as
 * an option (`x --all` stays one argument, but `--all` alone would still be
 * an option to most programs). NUL cannot be passed to a program at all.
 */
export function renderArg(template: string, values: TemplateValues): string {
  const first = /^\{([^}]+)\}/.exec(template)
  if (first && !first[1]!.startsWith('credential.')) {
    const value = scalar(first[1]!, lookup(first[1]!, values))
    if (value.startsWith('-')) {
      throw refuse(
        `parameter '${first[1]}' may not start with '-' where a positional argument is expected (got '${value}')`,
      )
    }
  }
  const arg = renderString(template, values)
  if (arg.includes('\0')) throw refuse('argument values may not contain NUL characters')
  return arg
}

/**
 * A JSON body: a string that is exactly one placeholder becomes the value
 * with its type (a number stays a number); other strings are interpolated.
 */
export function renderJson(template: unknown, values: TemplateValues): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([A-Za-z_][A-Za-z0-9_.]*)\}$/.exec(template)
    if (whole) return lookup(whole[1]!, values)
    return renderString(template, values)
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, values))
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderJson(v, values)]))
  }
  return template
}
