/**
 * Reloading the policy set of a running gateway from its configuration's
 * files: validate everything first, then swap, or keep the old set and say
 * why. SIGHUP, `POST /policy/reload`, the file watcher and announcements
 * from other replicas all come through here.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import { type PolicySetSummary, summarizePolicySet } from '../policy/versioning/policy-set.js'
import { loadPolicySet } from './policy-set-from-config.js'
import type { ResolvedConfig } from './resolved-config.js'

/** What a reload did. */
export type PolicyReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly policy: PolicySetSummary }
  | {
      readonly ok: false
      /** The set that stays in force. */
      readonly policy: PolicySetSummary
      readonly message: string
      readonly issues: readonly ConfigIssue[]
    }

/** Who asked for a reload and how. */
export interface ReloadRequest {
  readonly by: string
  readonly via: 'signal' | 'http' | 'watch' | 'announcement' | 'cli'
}

/** Reloads `airlock`'s policy set from the files `config` names. */
export type PolicyReloader = (request: ReloadRequest) => Promise<PolicyReloadResult>

/**
 * A reloader for `airlock` over `config`'s files.
 *
 * @remarks Reloads run one at a time, in order: a second request waits for
 * the first, so two swaps never interleave. A set whose content hash equals
 * the one in force is not swapped (and not audited again) unless the label
 * changed. A set that fails validation leaves the current one in force and
 * is audited as `policy_rejected` with every problem found. A swap that was
 * not itself caused by an announcement is announced in the store, so other
 * replicas reload too.
 */
export function createPolicyReloader(airlock: Airlock, config: ResolvedConfig): PolicyReloader {
  let queue: Promise<unknown> = Promise.resolve()
  const reload = async (request: ReloadRequest): Promise<PolicyReloadResult> => {
    let loaded: Awaited<ReturnType<typeof loadPolicySet>>
    try {
      loaded = await loadPolicySet(config, { label: config.policy.label, base: config.dir })
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      const message = `${error.issues.length} problem(s) in the policy files`
      await airlock.policy.rejected(error.issues, { ...request, message })
      return {
        ok: false,
        policy: summarizePolicySet(airlock.policy.current()),
        message,
        issues: error.issues,
      }
    }
    const current = airlock.policy.current()
    if (loaded.set.hash === current.hash && loaded.set.label === current.label) {
      return { ok: true, changed: false, policy: summarizePolicySet(current) }
    }
    await airlock.policy.load(loaded.set, request)
    // Replicas sharing the store notice the new head and reload from their own files.
    if (request.via !== 'announcement' && airlock.store.policy_head) {
      const { hash, version, label } = loaded.set
      await airlock.store.policy_head.announce({
        hash,
        version,
        label,
        announced_by: request.by,
        announced_at: new Date().toISOString(),
      })
    }
    return { ok: true, changed: true, policy: summarizePolicySet(loaded.set) }
  }
  return (request) => {
    const next = queue.then(() => reload(request))
    queue = next.catch(() => undefined)
    return next
  }
}
