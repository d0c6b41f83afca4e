/**
 * What changed between two state snapshots, down to nested fields.
 *
 * @module
 */

/** One difference; `path` is dotted (`spec.replicas`, `containers.0.image`). */
export type StateChange =
  | { readonly path: string; readonly kind: 'added'; readonly value: unknown }
  | { readonly path: string; readonly kind: 'removed'; readonly value: unknown }
  | { readonly path: string; readonly kind: 'changed'; readonly old: unknown; readonly new: unknown }

export interface StateDiff {
  readonly added: readonly { readonly path: string; readonly value: unknown }[]
  readonly removed: readonly { readonly path: string; readonly value: unknown }[]
  readonly changed: readonly { readonly path: string; readonly old: unknown; readonly new: unknown }[]
}

const isContainer = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function walk(before: unknown, after: unknown, path: string, out: StateChange[]): void {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    for (const key of keys) {
      const sub = path === '' ? key : `${path}.${key}`
      const had = Object.hasOwn(before, key)
      const has = Object.hasOwn(after, key)
      if (had && !has) out.push({ path: sub, kind: 'removed', value: before[key] })
      else if (!had && has) out.push({ path: sub, kind: 'added', value: after[key] })
      else walk(before[key], after[key], sub, out)
    }
    return
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path, kind: 'changed', old: before, new: after })
  }
}

/** Added, removed and changed fields, each with its nested path, in path order. */
export function diffState(before: unknown, after: unknown): StateDiff {
  const changes: StateChange[] = []
  walk(before ?? {}, after ?? {}, '', changes)
  return {
    added: changes.flatMap((c) => (c.kind === 'added' ? [{ path: c.path, value: c.value }] : [])),
    removed: changes.flatMap((c) => (c.kind === 'removed' ? [{ path: c.path, value: c.value }] : [])),
    changed: changes.flatMap((c) => (c.kind === 'changed' ? [{ path: c.path, old: c.old, new: c.new }] : [])),
  }
}
