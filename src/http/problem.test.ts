import { describe, expect, it } from 'vitest'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode, HTTP_STATUS } from '../errors/error-codes.js'
import { problem, problemFromError } from './problem.js'

describe('problemFromError', () => {
  it('maps every error code to its HTTP status', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(problemFromError(new AirlockError(code, 'x')).body.status).toBe(HTTP_STATUS[code])
    }
  })

  it('keeps structured details of client errors, and reports an approval state as approval_status', () => {
    const { body } = problemFromError(
      new AirlockError(ErrorCode.APPROVAL_ALREADY_DECIDED, "Approval 'apr-1' is already executed", {
        details: { status: 'executed' },
      }),
    )
    expect(body).toEqual({
      type: 'urn:airlock:problem:approval-already-decided',
      title: 'Approval already decided',
      status: 409,
      detail: "Approval 'apr-1' is already executed",
      code: 'APPROVAL_ALREADY_DECIDED',
      approval_status: 'executed',
    })
  })

  it('hides the message and details of server errors', () => {
    const { body } = problemFromError(
      new AirlockError(
        ErrorCode.STORE_ERROR,
        'password authentication failed for user "airlock" at db.internal',
        {
          details: { host: 'db.internal' },
        },
      ),
    )
    expect(JSON.stringify(body)).not.toContain('db.internal')
    expect(body.status).toBe(503)
  })

  it('turns anything else into a 500 that says nothing about it', () => {
    const { body } = problemFromError(new TypeError("Cannot read properties of undefined (reading 'x')"))
    expect(body).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      detail: 'The server failed to handle the request',
    })
  })

  it('sends a Bearer challenge with 401s', () => {
    const missing = problemFromError(
      new AirlockError(ErrorCode.UNAUTHENTICATED, 'x', { details: { credential: 'missing' } }),
    )
    expect(missing.headers).toEqual({ 'www-authenticate': 'Bearer' })
    expect(missing.body).not.toHaveProperty('credential')
  })
})

describe('rate limiting', () => {
  it('tells the client when to retry', () => {
    const limited = problemFromError(
      new AirlockError(ErrorCode.RATE_LIMITED, 'Too many requests for agent-7', {
        details: { retry_after_s: 1.2 },
      }),
    )
    expect(limited.body.status).toBe(429)
    expect(limited.headers).toEqual({ 'retry-after': '2' })
  })
})

describe('problem', () => {
  it('never lets an extension overwrite a standard member', () => {
    expect(problem('BAD_REQUEST', 'd', { status: 200, type: 'x', issues: [] })).toMatchObject({
      status: 400,
      type: 'urn:airlock:problem:bad-request',
      issues: [],
    })
  })
})
