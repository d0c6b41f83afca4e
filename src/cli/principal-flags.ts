import { localPrincipal, type Principal } from '../identity/principal.js'

/** Splits `a,b, c` into `['a','b','c']`, dropping empties. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** The caller a CLI command acts as; undefined means anonymous. */
export function principalFromFlags(flags: {
  caller?: string | undefined
  roles?: string | undefined
  groups?: string | undefined
  tenant?: string | undefined
}): Principal | undefined {
  if (flags.caller === undefined) return undefined
  return localPrincipal(flags.caller, {
    roles: splitList(flags.roles),
    groups: splitList(flags.groups),
    ...(flags.tenant ? { tenant_id: flags.tenant } : {}),
  })
}
