/**
 * Decides hook calls with the project's own configuration: its policies
 * (the templates, such as `safe_coding`, apply directly), its store for the
 * audit record.
 *
 * @module
 */
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { loadConfig } from '../../config/load-config.js'
import type { Principal } from '../../identity/principal.js'
import type { HookEvaluator } from './run-hook.js'

/**
 * An evaluator over the configuration file `file`: each call is checked with
 * `airlock.check()` (policy, limits, cumulative risk; nothing runs) and
 * audited as an advisory decision in the configured store.
 */
export async function localHookEvaluator(
  file: string,
  caller: Principal,
  env: Readonly<Record<string, string | undefined>>,
): Promise<HookEvaluator> {
  const config = await loadConfig(file, { env })
  const { airlock } = await createAirlockFromConfig(config)
  return {
    evaluate: async (action, call) => {
      const decision = await airlock.check(action, call.inputs, { caller })
      return {
        decision: decision.decision,
        reason: `${decision.reason}${decision.rule ? ` [rule ${decision.rule}]` : ''}`,
      }
    },
    close: () => airlock.close(),
  }
}
