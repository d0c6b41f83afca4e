import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '../identity/tokens/generate-signing-key.js'
import { issueIdentityToken } from '../identity/tokens/identity-token.js'
import { createKeySet } from '../identity/tokens/key-set.js'
import { publicJwks } from '../identity/tokens/public-jwks.js'
import { signToken } from '../identity/tokens/sign-token.js'
import { memoryStore } from '../store/memory/index.js'
import { DEFAULT_TICKET_AUDIENCE, issueTicket, TICKET_TYPE } from './issue-ticket.js'
import { ticketForApproval } from './ticket-for-approval.js'
import { ANY, type ExpectedTicket, validateTicket } from './validate-ticket.js'

const request = {
  action: 'restart-deployment',
  target: 'prod/api',
  params: { namespace: 'prod', deployment: 'api' },
  caller: 'deploy-agent',
  tenant: 'acme',
  audit_id: 'evt-1',
}
const expected = {
  action: 'restart-deployment',
  target: 'prod/api',
  params: { deployment: 'api', namespace: 'prod' },
  caller: 'deploy-agent',
  tenant: 'acme',
}

async function setup() {
  const keySet = await createKeySet({ keys: [await generateSigningKey({ kid: 'k' })] })
  return { keySet, nonces: memoryStore().nonces }
}

describe('execution tickets', () => {
  it('validates once, with params compared regardless of key order, then detects the replay', async () => {
    const { keySet, nonces } = await setup()
    const { token, claims } = await issueTicket(keySet, request)
    expect(claims.exp - claims.iat).toBe(300)
    const first = await validateTicket(keySet, token, expected, nonces)
    expect(first).toMatchObject({
      valid: true,
      reason: 'Ticket is valid',
      claims: { action: 'restart-deployment' },
    })
    expect(await validateTicket(keySet, token, expected, nonces)).toEqual({
      valid: false,
      code: 'replayed',
      reason: 'Ticket has already been used (replay detected)',
    })
  })

  it('carries a hash of the params, never the params themselves', async () => {
    const { keySet } = await setup()
    const { token } = await issueTicket(keySet, { ...request, params: { password: 'hunter2' } })
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString()).not.toContain('hunter2')
  })

  it('validates against the public JWKS', async () => {
    const { keySet, nonces } = await setup()
    const { token } = await issueTicket(keySet, request)
    expect(await validateTicket(publicJwks(keySet), token, expected, nonces)).toMatchObject({ valid: true })
  })

  it('refuses a ticket for another action, target, params or caller without consuming it', async () => {
    const { keySet, nonces } = await setup()
    const { token } = await issueTicket(keySet, request)
    expect(await validateTicket(keySet, token, { ...expected, action: 'delete-namespace' }, nonces)).toEqual({
      valid: false,
      code: 'action_mismatch',
      reason: "Action mismatch: ticket is for 'restart-deployment', expected 'delete-namespace'",
    })
    expect(await validateTicket(keySet, token, { ...expected, target: 'prod/db' }, nonces)).toMatchObject({
      code: 'target_mismatch',
      reason: "Target mismatch: ticket is for 'prod/api', expected 'prod/db'",
    })
    expect(
      await validateTicket(
        keySet,
        token,
        { ...expected, params: { ...expected.params, namespace: 'kube-system' } },
        nonces,
      ),
    ).toMatchObject({ code: 'params_mismatch', reason: expect.stringMatching(/^Params mismatch/) })
    expect(await validateTicket(keySet, token, { ...expected, caller: 'other' }, nonces)).toMatchObject({
      code: 'caller_mismatch',
    })
    expect(await validateTicket(keySet, token, { ...expected, tenant: 'other' }, nonces)).toMatchObject({
      code: 'tenant_mismatch',
    })
    expect(await validateTicket(keySet, token, expected, nonces)).toMatchObject({ valid: true })
  })

  it('refuses an expired ticket', async () => {
    const { keySet, nonces } = await setup()
    const { token } = await issueTicket(keySet, {
      ...request,
      ttl_s: 60,
      now: new Date(Date.now() - 120_000),
    })
    expect(await validateTicket(keySet, token, expected, nonces)).toEqual({
      valid: false,
      code: 'expired',
      reason: 'Ticket has expired',
    })
  })

  it('refuses a ticket signed with another key', async () => {
    const { keySet, nonces } = await setup()
    const other = await createKeySet({ keys: [await generateSigningKey({ kid: 'k' })] })
    const { token } = await issueTicket(other, request)
    expect(await validateTicket(keySet, token, expected, nonces)).toMatchObject({
      valid: false,
      code: 'bad_signature',
      reason: 'Invalid ticket: token signature does not verify',
    })
  })

  it('refuses an identity token presented as a ticket', async () => {
    const { keySet, nonces } = await setup()
    const identity = await issueIdentityToken(keySet, { sub: 'deploy-agent', audience: 'x' })
    expect(await validateTicket(keySet, identity, expected, nonces)).toMatchObject({
      valid: false,
      code: 'not_a_ticket',
      reason: expect.stringMatching(/^Token is not an execution ticket/),
    })
  })

  it("refuses alg 'none' and garbage", async () => {
    const { keySet, nonces } = await setup()
    const { token } = await issueTicket(keySet, request)
    const [, payload] = token.split('.')
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k', typ: 'airlock-ticket+jwt' })).toString(
      'base64url',
    )
    expect(await validateTicket(keySet, `${header}.${payload}.`, expected, nonces)).toEqual({
      valid: false,
      code: 'wrong_algorithm',
      reason: "Invalid ticket: token uses alg 'none'; unsigned tokens are never accepted",
    })
    expect(await validateTicket(keySet, 'garbage', expected, nonces)).toMatchObject({ code: 'malformed' })
    // The genuine ticket was never consumed by the attempts above.
    expect(await validateTicket(keySet, token, expected, nonces)).toMatchObject({ valid: true })
  })

  it('gives every ticket an audience, and the default validator refuses a ticket meant for another', async () => {
    const { keySet, nonces } = await setup()
    const plain = await issueTicket(keySet, request)
    expect(plain.claims.aud).toBe(DEFAULT_TICKET_AUDIENCE)
    const forK8s = await issueTicket(keySet, { ...request, audience: 'k8s-executor' })
    expect(await validateTicket(keySet, forK8s.token, expected, nonces)).toEqual({
      valid: false,
      code: 'wrong_audience',
      reason: `Audience mismatch: ticket is for 'k8s-executor', expected '${DEFAULT_TICKET_AUDIENCE}'`,
    })
    expect(await validateTicket(keySet, plain.token, expected, nonces)).toMatchObject({ valid: true })
  })

  it('refuses a ticket without an audience unless any audience is accepted on purpose', async () => {
    const { keySet, nonces } = await setup()
    const iat = Math.floor(Date.now() / 1000)
    const {
      aud: _aud,
      iss: _iss,
      iat: _i,
      nbf: _n,
      exp: _e,
      ...body
    } = (await issueTicket(keySet, request)).claims
    const token = await signToken(
      keySet,
      TICKET_TYPE,
      { ...body, jti: 'no-aud' },
      { iat, nbf: iat, exp: iat + 60 },
    )
    const refused = await validateTicket(keySet, token, expected, nonces)
    expect(refused).toMatchObject({ valid: false, code: 'audience_missing' })
    expect(refused.valid ? '' : refused.reason).toContain(`expects '${DEFAULT_TICKET_AUDIENCE}'`)
    expect(await validateTicket(keySet, token, expected, nonces, { audience: ANY })).toMatchObject({
      valid: true,
    })
  })

  it('checks the audience when the validator names one', async () => {
    const { keySet, nonces } = await setup()
    const { token } = await issueTicket(keySet, { ...request, audience: 'k8s-executor' })
    expect(await validateTicket(keySet, token, expected, nonces, { audience: 'aws-executor' })).toMatchObject(
      {
        code: 'wrong_audience',
      },
    )
    expect(await validateTicket(keySet, token, expected, nonces, { audience: 'k8s-executor' })).toMatchObject(
      {
        valid: true,
      },
    )
  })

  it('mints at most one usable ticket per approval, however often it is asked for', async () => {
    const { keySet, nonces } = await setup()
    const approval = { ...request, approval_id: 'apr-0123', approved_at: new Date() }
    const a = await ticketForApproval(keySet, approval)
    const b = await ticketForApproval(keySet, { ...approval, now: new Date(Date.now() + 30_000) })
    expect(b.claims.jti).toBe(a.claims.jti)
    expect(b.claims.exp).toBe(a.claims.exp)
    expect(await validateTicket(keySet, a.token, expected, nonces)).toMatchObject({ valid: true })
    expect(await validateTicket(keySet, b.token, expected, nonces)).toMatchObject({ code: 'replayed' })
  })

  it('issues no approval ticket once the approval’s execution window has closed', async () => {
    const { keySet } = await setup()
    await expect(
      ticketForApproval(keySet, {
        ...request,
        approval_id: 'apr-1',
        approved_at: new Date(Date.now() - 301_000),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'approval_ticket_window_closed' } })
  })
})

describe('ticket bindings are required', () => {
  it('refuses a validation that leaves a binding out, and accepts an explicit ANY', async () => {
    const keySet = await createKeySet({ keys: [await generateSigningKey()] })
    const issued = await issueTicket(keySet, {
      action: 'deploy',
      target: 'prod/api',
      params: { v: 2 },
      caller: 'agent-1',
      audit_id: 'evt-bind',
    })
    const nonces = memoryStore().nonces
    // A caller that forgets the params (JavaScript, or a cast) must not get "any params".
    const forgetful = {
      action: 'deploy',
      target: 'prod/api',
      caller: 'agent-1',
      tenant: 'default',
    } as unknown as ExpectedTicket
    expect(await validateTicket(keySet, issued.token, forgetful, nonces)).toMatchObject({
      valid: false,
      code: 'binding_missing',
      reason: expect.stringContaining('params'),
    })
    const deliberate: ExpectedTicket = {
      action: 'deploy',
      target: 'prod/api',
      params: ANY,
      caller: ANY,
      tenant: ANY,
    }
    expect(await validateTicket(keySet, issued.token, deliberate, nonces)).toMatchObject({ valid: true })
  })
})
