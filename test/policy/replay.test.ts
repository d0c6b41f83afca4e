/**
 * Replay against history: traffic recorded under one policy set is decided
 * again by a candidate (through `airlock policy replay`), and every replayed
 * decision equals what re-sending the same request live under the candidate
 * gives. A decision a rule made on a redacted input is marked uncertain.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { loadPolicySet } from '../../src/config/policy-set-from-config.js'
import { replayAudit } from '../../src/pipeline/policy/replay.js'
import type { DecisionPair } from '../../src/policy/versioning/difference-report.js'
import { captureCli } from '../helpers/capture-cli.js'
import {
  ADMIN_KEY,
  AGENT_KEY,
  OTHER_AGENT_KEY,
  type PolicyProject,
  policyProject,
  projectGateway,
} from './policy-project.js'

const CANDIDATE = `rules:
  - name: no-shouting
    priority: 200
    match: { actions: [shout] }
    decision: deny
    reason: No shouting
  - name: no-launch
    priority: 150
    match: { actions: [echo], args: { message: launch } }
    decision: deny
    reason: Nothing launches
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`
const SECRET = 'AKIAABCDEFGHIJKLMNOP'
const TRAFFIC: [key: string, action: string, message: string][] = [
  [AGENT_KEY, 'echo', 'a'],
  [AGENT_KEY, 'echo', 'launch'],
  [AGENT_KEY, 'shout', 'b'],
  [AGENT_KEY, 'shout', 'c'],
  [OTHER_AGENT_KEY, 'shout', 'd'],
  [OTHER_AGENT_KEY, 'echo', SECRET],
  [OTHER_AGENT_KEY, 'echo', 'e'],
]
const DECISION_OF_STATUS: Record<number, string> = { 200: 'allow', 202: 'require_approval', 403: 'deny' }

let project: PolicyProject
let gateway: Awaited<ReturnType<typeof projectGateway>>

beforeEach(async () => {
  project = await policyProject({
    store: 'sqlite:./.airlock/airlock.db',
    extra: 'seal: { key_file: ./.airlock/seal.key }\n',
  })
  await writeFile(join(project.dir, 'candidate.yaml'), CANDIDATE)
  gateway = await projectGateway(project)
})
afterEach(async () => {
  await gateway.airlock.close()
  await project.remove()
})

async function send(): Promise<{ request_id: string; decision: string | undefined }[]> {
  const out = []
  for (const [key, action, message] of TRAFFIC) {
    const r = await gateway.call('POST', `/actions/${action}/execute`, key, { inputs: { message } })
    out.push({ request_id: String(r.body.request_id), decision: DECISION_OF_STATUS[r.status] })
  }
  return out
}

describe('policy replay', () => {
  it('reports what the candidate would change, and each decision equals a live re-send', async () => {
    const recorded = await send()
    expect(recorded.every((r) => r.decision === 'allow')).toBe(true)

    const cli = await captureCli(
      ['policy', 'replay', '--candidate', 'candidate.yaml', '--since', '1h', '--json'],
      project.dir,
    )
    expect(cli.code).toBe(0)
    const report = JSON.parse(cli.stdout)
    expect(report).toMatchObject({ compared: 7, changed: 4 })
    expect(report.transitions).toHaveLength(1)
    expect(report.transitions[0]).toMatchObject({
      from: 'allow',
      to: 'deny',
      count: 4,
      by_rule: { 'no-shouting': 3, 'no-launch': 1 },
      by_caller: { 'agent-1': 3, 'agent-2': 1 },
    })

    const pairs = new Map<string, DecisionPair>()
    await replayAudit(gateway.airlock.store.audit, {
      candidate: await loadCandidate(),
      since: '2000-01-01T00:00:00.000Z',
      onPair: (pair) => pairs.set(pair.request_id, pair),
    })
    // Now enforce the candidate and send the same requests again.
    await project.writePolicy(CANDIDATE)
    expect((await gateway.call('POST', '/policy/reload', ADMIN_KEY)).status).toBe(200)
    const live = await send()
    recorded.forEach((r, i) => {
      expect(pairs.get(r.request_id)?.candidate.decision).toBe(live[i]?.decision)
    })
    // The secret message was redacted in the log, and a candidate rule read it.
    const secret = recorded[TRAFFIC.findIndex(([, , m]) => m === SECRET)]
    expect(pairs.get(String(secret?.request_id))?.uncertain).toBe(true)
    expect([...pairs.values()].filter((p) => p.uncertain)).toHaveLength(1)
  })

  it('prints the report as text', async () => {
    await send()
    const cli = await captureCli(['policy', 'replay', '--candidate', 'candidate.yaml'], project.dir)
    expect(cli.code).toBe(0)
    expect(cli.stdout).toContain('7 request(s) compared, 4 would change')
    expect(cli.stdout).toContain('allow -> deny: 4')
    expect(cli.stderr).toMatch(/replayed \d+ event\(s\)/)
  })
})

async function loadCandidate() {
  const config = await loadConfig(project.configFile)
  const { set } = await loadPolicySet(
    { ...config, policies: [join(project.dir, 'candidate.yaml')] },
    { label: 'candidate', base: config.dir },
  )
  return set
}
