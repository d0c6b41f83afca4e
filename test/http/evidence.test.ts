import { describe, expect, it } from 'vitest'
import {
  decodeProof,
  type InclusionBundle,
  verifyGrowth,
  verifyInclusionBundle,
} from '../../src/evidence/audit-evidence.js'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

async function setup() {
  const airlock = makeAirlock()
  const app = makeApp(airlock)
  const { signer } = generateSigner('airlock.test/http')
  const log = createTransparencyLog({ store: airlock.store, signer })
  const run = async () => {
    const res = await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_1' } },
    })
    return res.json.audit_id as string
  }
  return { airlock, app, log, run, verifier: parseVerifierKey(verifierKey(signer)) }
}

describe('transparency routes', () => {
  it('serve the signed checkpoint, an event’s inclusion bundle and consistency proofs a client verifies offline', async () => {
    const { app, log, run, verifier } = await setup()
    expect((await call(app, 'GET', '/audit/checkpoint', { key: KEYS.alice })).status).toBe(404)
    const first = await run()
    await log.tick()
    const old = await app.request('/audit/checkpoint', { headers: { authorization: `Bearer ${KEYS.alice}` } })
    expect(old.headers.get('content-type')).toMatch(/^text\/plain/)
    const oldCp = openCheckpoint(await old.text(), verifier)
    await run()
    await run()
    await log.checkpoint()

    const proof = await call(app, 'GET', `/audit/events/${first}/proof`, { key: KEYS.alice })
    expect(proof.status).toBe(200)
    const bundle = proof.json as unknown as InclusionBundle
    expect(verifyInclusionBundle(bundle, verifier)).toMatchObject({ valid: true })
    // A forged field in the served event no longer proves.
    const forged = { ...bundle, event: { ...bundle.event, actor: 'someone-else' } }
    expect(verifyInclusionBundle(forged, verifier)).toMatchObject({ valid: false })

    const list = await call(app, 'GET', '/audit/checkpoints', { key: KEYS.alice })
    const sizes = (list.json.items as { size: number }[]).map((c) => c.size)
    expect(sizes[0]).toBeGreaterThan(oldCp.size)
    const newCp = openCheckpoint((list.json.items as { note: string }[])[0]!.note, verifier)
    const cons = await call(app, 'GET', `/audit/consistency?from=${oldCp.size}&to=${newCp.size}`, {
      key: KEYS.alice,
    })
    expect(verifyGrowth(oldCp, newCp, decodeProof(cons.json.consistency_proof))).toMatchObject({
      valid: true,
    })
  })

  it('keeps other tenants’ events out and answers precise 4xx for bad sizes', async () => {
    const { app, log, run } = await setup()
    const id = await run()
    await log.tick()
    const other = await call(app, 'GET', `/audit/events/${id}/proof`, { key: KEYS.mallory })
    expect(other.status).toBe(404)
    expect(other.json.code).toBe('EVIDENCE_NOT_FOUND')
    expect((await call(app, 'GET', `/audit/events/${id}/proof?size=99`, { key: KEYS.alice })).status).toBe(
      404,
    )
    expect((await call(app, 'GET', '/audit/consistency?from=2&to=1', { key: KEYS.alice })).status).toBe(400)
    expect((await call(app, 'GET', '/audit/consistency?from=0&to=999', { key: KEYS.alice })).status).toBe(404)
    expect((await call(app, 'GET', '/audit/consistency?from=01&to=2', { key: KEYS.alice })).status).toBe(400)
    expect((await call(app, 'GET', '/audit/checkpoint')).status).toBe(401)
  })
})
