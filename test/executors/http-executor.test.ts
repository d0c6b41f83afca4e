import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import type { ExecutionRequest } from '../../src/executors/executor.js'
import { planRequest } from '../../src/executors/http/http-executor.js'

// An action as the catalogue loader builds one: its request template in `meta.executor_spec`.
const disable = {
  ...defineAction({
    name: 'disable-user',
    description: 'Disables a user',
    risk: 'medium',
    input: z.object({ id: z.string() }),
  }),
  meta: {
    executor_spec: {
      executor: 'http',
      http: {
        base_url: 'https://api.example.test',
        method: 'POST',
        path: '/v1/users/{id}/disable',
        headers: {},
        prechecks: {},
      },
    },
  },
}

const request = (id: string): ExecutionRequest => ({
  action: disable,
  params: { id },
  target: undefined,
  target_id: null,
  request_id: 'req-1',
  credential: undefined,
  signal: new AbortController().signal,
  timeout_ms: 1_000,
})

describe('http executor request paths', () => {
  it('keeps a parameter inside its path segment', () => {
    expect(planRequest(request('u-1'))).toMatchObject({
      url: 'https://api.example.test/v1/users/u-1/disable',
    })
    expect(planRequest(request('a/../b'))).toMatchObject({
      url: 'https://api.example.test/v1/users/a%2F..%2Fb/disable',
    })
  })

  it("refuses a parameter that would make a '.' or '..' segment and climb out of the action's path", () => {
    for (const id of ['..', '.']) {
      expect(() => planRequest(request(id))).toThrow(
        expect.objectContaining({
          code: 'INPUT_INVALID',
          message: expect.stringContaining("cannot be '.' or '..'"),
        }),
      )
    }
  })
})
