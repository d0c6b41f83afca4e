import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '../tokens/generate-signing-key.js'
import { issueIdentityToken, verifyIdentityToken } from '../tokens/identity-token.js'
import { createKeySet } from '../tokens/key-set.js'
import { signToken } from '../tokens/sign-token.js'
import { delegate } from './delegate.js'

const AUD = 'gateway.test'

async function setup(max_delegation_depth?: number) {
  const keySet = await createKeySet({ keys: [await generateSigningKey({ kid: 'k' })] })
  const root = await issueIdentityToken(keySet, {
    sub: 'orchestrator',
    roles: ['deployer', 'reader'],
    groups: ['sre', 'oncall'],
    tenant: 'acme',
    audience: AUD,
    ...(max_delegation_depth === undefined ? {} : { max_delegation_depth }),
  })
  return { keySet, root }
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())

describe('delegate', () => {
  it('passes on no roles when roles are omitted', async () => {
    const { keySet, root } = await setup()
    const child = await delegate(keySet, root, { sub: 'worker' })
    const principal = await verifyIdentityToken(keySet, child.token, { audience: AUD })
    expect(principal).toMatchObject({ actor_id: 'worker', roles: [], groups: [] })
  })

  it('issues a narrower child whose principal lists the chain oldest first', async () => {
    const { keySet, root } = await setup()
    const child = await delegate(keySet, root, { sub: 'worker', roles: ['reader'], groups: ['sre'] })
    const grandchild = await delegate(keySet, child.token, { sub: 'helper', roles: ['reader'] })
    expect(grandchild.depth).toBe(2)
    const principal = await verifyIdentityToken(keySet, grandchild.token, { audience: AUD })
    expect(principal).toMatchObject({ actor_id: 'helper', roles: ['reader'], groups: [], tenant_id: 'acme' })
    expect(principal.delegation_chain.map((l) => l.actor_id)).toEqual(['orchestrator', 'worker'])
    expect(principal.delegation_chain[0]).toEqual({
      actor_id: 'orchestrator',
      roles: ['deployer', 'reader'],
      groups: ['sre', 'oncall'],
    })
    // Nested RFC 8693 act claims: nearest actor outermost.
    expect(claimsOf(grandchild.token).act).toMatchObject({ sub: 'worker', act: { sub: 'orchestrator' } })
  })

  it('refuses roles the parent does not hold, naming them', async () => {
    const { keySet, root } = await setup()
    await expect(delegate(keySet, root, { sub: 'w', roles: ['reader', 'admin'] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "Cannot delegate roles not held by parent: ['admin']",
      details: { reason: 'roles_not_held' },
    })
  })

  it('refuses groups the parent does not hold', async () => {
    const { keySet, root } = await setup()
    await expect(delegate(keySet, root, { sub: 'w', roles: [], groups: ['finance'] })).rejects.toMatchObject({
      details: { reason: 'groups_not_held' },
    })
  })

  it('never lets a child outlive its parent', async () => {
    const { keySet, root } = await setup()
    const child = await delegate(keySet, root, { sub: 'w', roles: [], ttl_s: 86_400 })
    expect(claimsOf(child.token).exp).toBeLessThanOrEqual(claimsOf(root).exp)
  })

  it('refuses a parent token that does not verify', async () => {
    const { keySet } = await setup()
    const otherKeys = await createKeySet({ keys: [await generateSigningKey({ kid: 'k' })] })
    const forged = await issueIdentityToken(otherKeys, { sub: 'root', roles: ['admin'], audience: AUD })
    await expect(delegate(keySet, forged, { sub: 'w', roles: ['admin'] })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^Invalid parent token: /),
    })
  })

  it('stops at the depth limit carried in the root token', async () => {
    const { keySet, root } = await setup(2)
    const one = await delegate(keySet, root, { sub: 'a', roles: ['reader'] })
    const two = await delegate(keySet, one.token, { sub: 'b', roles: ['reader'] })
    await expect(delegate(keySet, two.token, { sub: 'c', roles: ['reader'] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Delegation depth 3 exceeds max depth 2',
      details: { reason: 'depth_exceeded' },
    })
  })

  it('refuses a child that tries to raise the max depth, and keeps the lowered one downstream', async () => {
    const { keySet, root } = await setup(3)
    const one = await delegate(keySet, root, { sub: 'a', roles: ['reader'] })
    await expect(delegate(keySet, one.token, { sub: 'b', roles: [], max_depth: 100 })).rejects.toMatchObject({
      details: { reason: 'max_depth_raised' },
    })
    const lowered = await delegate(keySet, one.token, { sub: 'b', roles: [], max_depth: 2 })
    expect(claimsOf(lowered.token).max_delegation_depth).toBe(2)
    await expect(delegate(keySet, lowered.token, { sub: 'c', roles: [] })).rejects.toMatchObject({
      details: { reason: 'depth_exceeded' },
    })
  })

  it('forbids any delegation from a root token with max depth 0', async () => {
    const { keySet, root } = await setup(0)
    await expect(delegate(keySet, root, { sub: 'a', roles: [] })).rejects.toMatchObject({
      message: 'Delegation depth 1 exceeds max depth 0',
    })
  })

  it('refuses at verification a signed token whose chain widens roles', async () => {
    const { keySet } = await setup()
    // A token no delegate() call would produce, signed with the real key:
    // verification must not trust the signature alone.
    const now = Math.floor(Date.now() / 1000)
    const widened = await signToken(
      keySet,
      'airlock-id+jwt',
      {
        sub: 'child',
        roles: ['admin'],
        groups: [],
        tenant: 'acme',
        aud: AUD,
        max_delegation_depth: 5,
        act: { sub: 'parent', roles: ['reader'], groups: [] },
      },
      { iat: now, nbf: now, exp: now + 60 },
    )
    await expect(verifyIdentityToken(keySet, widened, { audience: AUD })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/widens roles \[admin\]/),
    })
  })

  it('refuses at verification a signed token whose chain is deeper than its max depth', async () => {
    const { keySet } = await setup()
    const now = Math.floor(Date.now() / 1000)
    const deep = await signToken(
      keySet,
      'airlock-id+jwt',
      {
        sub: 'c',
        roles: [],
        groups: [],
        tenant: 'acme',
        aud: AUD,
        max_delegation_depth: 1,
        act: { sub: 'b', roles: [], groups: [], act: { sub: 'a', roles: [], groups: [] } },
      },
      { iat: now, nbf: now, exp: now + 60 },
    )
    await expect(verifyIdentityToken(keySet, deep, { audience: AUD })).rejects.toMatchObject({
      message: expect.stringMatching(/delegation depth 2 exceeds the token's max depth 1/),
    })
  })
})
