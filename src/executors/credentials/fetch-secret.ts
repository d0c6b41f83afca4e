/**
 * Reads the secret values of one credential from its provider. Errors name
 * the provider and what it looked for, never a value.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { ParsedCredentialProvider } from './credential-config.js'
import { fillScope } from './scope-template.js'

/** Where a provider will look, with the params filled in: for messages and `credentials check`. */
export function describeLocation(
  config: ParsedCredentialProvider,
  params: Readonly<Record<string, unknown>>,
): string {
  switch (config.provider) {
    case 'env':
      return Object.values(config.variables)
        .map((v) => `$${fillScope(v, params, 'env provider')}`)
        .join(', ')
    case 'file':
      return fillScope(config.path, params, 'file provider')
    case 'vault':
      return `${config.address.replace(/\/+$/, '')}/v1/${config.mount}/data/${fillScope(config.path, params, 'vault provider')}`
  }
}

function unavailable(message: string, cause?: unknown): AirlockError {
  return new AirlockError(ErrorCode.CREDENTIAL_UNAVAILABLE, message, cause === undefined ? {} : { cause })
}

function fromEnv(
  config: Extract<ParsedCredentialProvider, { provider: 'env' }>,
  params: Readonly<Record<string, unknown>>,
) {
  const values: Record<string, string> = {}
  for (const [key, template] of Object.entries(config.variables)) {
    const name = fillScope(template, params, 'env provider')
    const value = process.env[name]
    if (value === undefined || value === '') {
      throw unavailable(`env provider: environment variable ${name} is not set`)
    }
    values[key] = value
  }
  return values
}

async function fromFile(
  config: Extract<ParsedCredentialProvider, { provider: 'file' }>,
  params: Readonly<Record<string, unknown>>,
) {
  const path = fillScope(config.path, params, 'file provider')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw unavailable(`file provider: cannot read ${path} (${code})`)
  }
  if (config.format === 'text') return { [config.key]: text.trim() }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw unavailable(`file provider: ${path} is not JSON (set format: text for a plain secret)`)
  }
  return stringValues(parsed, `file provider: ${path}`)
}

function stringValues(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unavailable(`${where} does not hold an object of values`)
  }
  const out: Record<string, string> = {}
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item)
  }
  return out
}

async function fromVault(
  config: Extract<ParsedCredentialProvider, { provider: 'vault' }>,
  params: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
) {
  const url = describeLocation(config, params)
  const token = process.env[config.token_env]
  if (token === undefined || token === '') {
    throw unavailable(`vault provider: environment variable ${config.token_env} (the Vault token) is not set`)
  }
  let response: Response
  try {
    response = await fetch(url, { headers: { 'x-vault-token': token }, redirect: 'error', signal })
  } catch (error) {
    throw unavailable(`vault provider: cannot reach ${url}: ${(error as Error).message}`)
  }
  if (response.status === 404) throw unavailable(`vault provider: no secret at ${url}`)
  if (!response.ok) throw unavailable(`vault provider: ${url} answered ${response.status}`)
  const body = (await response.json().catch(() => null)) as { data?: { data?: unknown } } | null
  return stringValues(body?.data?.data, `vault provider: ${url}`)
}

/** The secret values, or `CREDENTIAL_UNAVAILABLE` naming the provider and the variable, file or path. */
export function fetchSecret(
  config: ParsedCredentialProvider,
  params: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  switch (config.provider) {
    case 'env':
      return Promise.resolve().then(() => fromEnv(config, params))
    case 'file':
      return fromFile(config, params)
    case 'vault':
      return fromVault(config, params, signal)
  }
}
