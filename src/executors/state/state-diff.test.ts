import { describe, expect, it } from 'vitest'
import { diffState } from './state-diff.js'

describe('diffState', () => {
  it('reports added, removed and changed fields with nested paths', () => {
    expect(
      diffState(
        { a: 1, spec: { replicas: 2, image: 'x' }, gone: true },
        { a: 1, spec: { replicas: 3 }, extra: [1] },
      ),
    ).toEqual({
      added: [{ path: 'extra', value: [1] }],
      removed: [
        { path: 'gone', value: true },
        { path: 'spec.image', value: 'x' },
      ],
      changed: [{ path: 'spec.replicas', old: 2, new: 3 }],
    })
  })
})
