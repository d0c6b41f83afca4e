/**
 * Patch semantics for the FAKE Kubernetes API server (test helper): JSON
 * Patch, JSON Merge Patch and a simplified strategic merge (lists of objects
 * merge by `name`, as containers do). Not a full implementation.
 */

type Json = unknown
type Obj = Record<string, Json>

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export function mergePatch(target: Json, patch: Json, strategic: boolean): Json {
  if (!isObj(patch)) return structuredClone(patch)
  const out: Obj = isObj(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else if (
      strategic &&
      Array.isArray(value) &&
      Array.isArray(out[key]) &&
      value.every((v) => isObj(v) && typeof v.name === 'string')
    ) {
      const merged = [...(out[key] as Obj[])]
      for (const item of value as Obj[]) {
        const at = merged.findIndex((m) => isObj(m) && m.name === item.name)
        if (at >= 0) merged[at] = mergePatch(merged[at], item, true) as Obj
        else merged.push(item)
      }
      out[key] = merged
    } else out[key] = mergePatch(out[key], value, strategic)
  }
  return out
}

function unescapePointer(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~')
}

/** Applies RFC 6902 operations; throws a message on a failed `test` or a bad path. */
export function jsonPatch(target: Json, ops: readonly Obj[]): Json {
  const doc = structuredClone(target) as Obj
  for (const op of ops) {
    const tokens = String(op.path).split('/').slice(1).map(unescapePointer)
    const last = tokens.pop()
    if (last === undefined) throw new Error('empty path')
    let parent: Json = doc
    for (const t of tokens) {
      parent = Array.isArray(parent) ? parent[Number(t)] : isObj(parent) ? parent[t] : undefined
      if (parent === undefined) throw new Error(`path ${String(op.path)} does not exist`)
    }
    const container = parent as Obj
    switch (op.op) {
      case 'test':
        if (JSON.stringify(container[last]) !== JSON.stringify(op.value))
          throw new Error(`test of ${String(op.path)} failed`)
        break
      case 'add':
      case 'replace':
        container[last] = structuredClone(op.value)
        break
      case 'remove':
        delete container[last]
        break
      default:
        throw new Error(`unsupported op ${String(op.op)}`)
    }
  }
  return doc
}
