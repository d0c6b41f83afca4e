import { join } from 'node:path'
import type { ActionDefinition } from '../../../src/actions/action-definition.js'
import { loadActions } from '../../../src/actions/load-actions.js'
import type { Credential, ExecutionRequest } from '../../../src/executors/executor.js'

/** The shipped catalogue directory. */
export const AWS_CATALOG = join(import.meta.dirname, '..', '..', '..', 'catalog', 'aws')

let catalogue: Promise<Map<string, ActionDefinition>> | undefined

/** The shipped AWS actions by name, loaded once. */
export function awsCatalogue(): Promise<Map<string, ActionDefinition>> {
  catalogue ??= loadActions([AWS_CATALOG]).then((all) => new Map(all.map((a) => [a.name, a])))
  return catalogue
}

/** A credential as a provider would hand it to the runner; counts its revocations. */
export function awsCredential(
  access_key_id: string,
  secret_access_key: string,
): Credential & { revoked: number } {
  return {
    provider: 'test',
    type: 'aws',
    values: { access_key_id, secret_access_key },
    revoked: 0,
    async revoke() {
      this.revoked++
    },
  }
}

/** A request as the runner builds it after the ticket validated (the params pass the action's schema). */
export async function awsRequest(
  name: string,
  params: Record<string, unknown>,
  credential: Credential | undefined,
  signal: AbortSignal = new AbortController().signal,
): Promise<ExecutionRequest> {
  const action = (await awsCatalogue()).get(name)
  if (action === undefined) throw new Error(`no catalogue action ${name}`)
  const checked = action.validate(params)
  if (!checked.ok) throw new Error(`bad test params for ${name}: ${JSON.stringify(checked.issues)}`)
  return {
    action,
    params: checked.value as Record<string, unknown>,
    target: undefined,
    target_id: null,
    request_id: `req-${name}`,
    credential,
    signal,
    timeout_ms: 10_000,
  }
}
