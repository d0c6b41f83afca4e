/**
 * `airlock.freezes`: freezing and lifting, each stored first (so it
 * survives restarts and reaches every replica) and then audited with who
 * did it.
 *
 * Writes: one freeze row and one `frozen` or `unfrozen` audit event per call.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { localPrincipal } from '../../identity/principal.js'
import { newId } from '../../internal/ids.js'
import type { Freeze, FreezeScope } from '../../store/freeze-store.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { AirlockFreezes } from '../pipeline-types.js'

const FREEZE_ACTION = 'airlock.freeze'

/** `all`, `agent agent-7`, `action deploy`, `tenant acme`. */
export function describeScope(scope: FreezeScope): string {
  return scope.kind === 'all' ? 'everything' : `${scope.kind} '${scope.value}'`
}

function validScope(scope: FreezeScope): FreezeScope {
  if (scope.kind === 'all') return { kind: 'all' }
  if (
    !['agent', 'action', 'tenant'].includes(scope.kind) ||
    typeof scope.value !== 'string' ||
    scope.value === ''
  ) {
    throw new AirlockError(
      ErrorCode.BAD_REQUEST,
      'A freeze covers one agent, action or tenant (by name), or all',
    )
  }
  return { kind: scope.kind, value: scope.value }
}

export function freezeControl(
  deps: Pick<PipelineDeps, 'store' | 'freezes' | 'recorder' | 'now'>,
): AirlockFreezes {
  const store = () => {
    const freezes = deps.store.freezes
    if (!freezes)
      throw new AirlockError(ErrorCode.CONFIG_INVALID, `The ${deps.store.kind} store keeps no freezes`)
    return freezes
  }
  const audit = (status: 'frozen' | 'unfrozen', freeze: Freeze, by: string, reason: string) =>
    deps.recorder.record(status, {
      request_id: newId('req'),
      principal: localPrincipal(by),
      action: FREEZE_ACTION,
      reason,
      context: { freeze },
    })
  return {
    list: () => store().active(),
    async freeze({ scope, reason, by }) {
      if (typeof reason !== 'string' || reason.trim() === '')
        throw new AirlockError(ErrorCode.BAD_REQUEST, 'A freeze needs a reason')
      const freeze = await store().add({
        id: newId('frz'),
        scope: validScope(scope),
        reason,
        created_by: by,
        created_at: deps.now().toISOString(),
      })
      await deps.freezes.refresh()
      await audit('frozen', freeze, by, `Froze ${describeScope(freeze.scope)}: ${reason}`)
      return freeze
    },
    async unfreeze(id, by) {
      const lifted = await store().lift(id, by, deps.now().toISOString())
      if (lifted === null) throw new AirlockError(ErrorCode.FREEZE_NOT_FOUND, `No freeze '${id}' is in force`)
      await deps.freezes.refresh()
      await audit(
        'unfrozen',
        lifted,
        by,
        `Lifted the freeze of ${describeScope(lifted.scope)} (${lifted.reason})`,
      )
      return lifted
    },
  }
}
