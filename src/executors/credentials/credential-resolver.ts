/**
 * Fetches the credential an action declares (`credentials: { type, ... }`)
 * for one run, bound to that run's ticket.
 *
 * @module
 */
import { z } from 'zod'
import type { ActionDefinition } from '../../actions/action-definition.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Credential, CredentialBinding } from '../executor.js'
import {
  type CredentialProviderConfig,
  credentialProvidersSchema,
  type ParsedCredentialProvider,
} from './credential-config.js'
import { describeLocation, fetchSecret } from './fetch-secret.js'

/** What a run asks a credential for. */
export interface CredentialRequest {
  readonly action: ActionDefinition
  readonly params: Readonly<Record<string, unknown>>
  /** The redeemed ticket's action, target and nonce. */
  readonly binding: CredentialBinding
  readonly signal: AbortSignal
}

/** Which provider would answer for an action, without fetching anything. */
export interface CredentialSource {
  readonly type: string
  readonly provider: string
  /** The variables, file or URL it reads, with the params filled in. */
  readonly location: string
}

export interface CredentialResolver {
  /** `undefined` when the action declares no credentials; throws `CREDENTIAL_UNAVAILABLE`. */
  resolve(request: CredentialRequest): Promise<Credential | undefined>
  /** `null` when the action declares no credentials; throws `CREDENTIAL_UNAVAILABLE` when no provider is configured. */
  describe(action: ActionDefinition, params: Readonly<Record<string, unknown>>): CredentialSource | null
}

function declaredType(action: ActionDefinition): string | null {
  const block = action.meta.credentials as { type?: unknown } | null | undefined
  return typeof block?.type === 'string' ? block.type : null
}

/** A resolver over the configured providers (credential type → provider). */
export function createCredentialResolver(
  raw: Readonly<Record<string, CredentialProviderConfig>> = {},
): CredentialResolver {
  const parsed = credentialProvidersSchema.safeParse(raw)
  if (!parsed.success) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `executors.credentials: ${z.prettifyError(parsed.error)}`,
    )
  }
  const providers: Readonly<Record<string, ParsedCredentialProvider>> = parsed.data
  const providerFor = (action: ActionDefinition, type: string) => {
    const config = providers[type]
    if (!config) {
      throw new AirlockError(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        `Action '${action.name}' needs a '${type}' credential and no provider is configured for it (executors.credentials.${type})`,
      )
    }
    return config
  }
  return {
    describe(action, params) {
      const type = declaredType(action)
      if (type === null) return null
      const config = providerFor(action, type)
      return { type, provider: config.provider, location: describeLocation(config, params) }
    },
    async resolve(request) {
      const type = declaredType(request.action)
      if (type === null) return undefined
      const config = providerFor(request.action, type)
      const values = await fetchSecret(config, request.params, request.signal)
      const held: Record<string, string> = { ...values }
      return {
        provider: config.provider,
        type,
        values: held,
        binding: Object.freeze({ ...request.binding }),
        // KV and env secrets have no lease to give back: forgetting them is what revoking means here.
        revoke: async () => {
          for (const key of Object.keys(held)) {
            held[key] = ''
            delete held[key]
          }
        },
      }
    },
  }
}
