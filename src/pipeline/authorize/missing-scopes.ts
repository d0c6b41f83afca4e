import type { ActionDefinition } from '../../actions/action-definition.js'
import type { Principal } from '../../identity/principal.js'

/** Scopes the caller lacks. A role `x` or `scope:x` also grants scope `x`. */
export function missingScopes(definition: ActionDefinition, principal: Principal): string[] {
  return definition.required_scopes.filter(
    (s) =>
      !principal.scopes.includes(s) &&
      !principal.roles.includes(s) &&
      !principal.roles.includes(`scope:${s}`),
  )
}
