/**
 * Redaction benchmark: µs per event for the inputs and result of a typical
 * audited request, plain and full of secrets, and per long free-text string
 * (a shell command, a log excerpt, a JSON document inside a string).
 *
 * Run alone with `node --import jiti/register bench/redaction.ts`.
 *
 * @module
 */
import { pathToFileURL } from 'node:url'
import { Bench } from 'tinybench'
import { createRedactor } from '../src/audit/redact.js'

/** One row of the printed table. */
export interface RedactionBenchRow {
  readonly case: string
  readonly bytes: number
  readonly mean_us: number
  readonly p99_us: number
}

const plainEvent = {
  inputs: {
    namespace: 'prod',
    deployment: 'api',
    replicas: 3,
    reason: 'roll out 1.4.2 after the canary passed',
  },
  result: { status: 'ok', revision: 17, pods: ['api-7f9c-1', 'api-7f9c-2', 'api-7f9c-3'] },
}

const secretEvent = {
  inputs: {
    command: 'psql postgres://app:pa/ss@db:5432/prod --password hunter2 -c "select 1"',
    env: [
      { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      { name: 'REGION', value: 'eu-west-1' },
    ],
    headers: [
      ['Authorization', 'Token abcdef1234567890'],
      ['Accept', 'application/json'],
    ],
    body: '{"token":"abcdef123456","user":"ann"}',
  },
  result: {
    url: 'https://b.s3.amazonaws.com/o?X-Amz-Signature=abcdef0123&X-Amz-Security-Token=FQoGZX',
    api_key: 'sk-proj-abc',
  },
}

const shellText = `export AWS_SECRET_ACCESS_KEY=abc; ${'kubectl get pods -n prod --selector app=api | grep Running; '.repeat(40)}`
const logText = 'GET /v1/items?page=2&limit=50 200 12ms user=ann region=eu-west-1\n'.repeat(60)
const jsonText = JSON.stringify({
  items: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })),
})

/** Runs every measurement and prints a table. */
export async function benchRedaction(): Promise<void> {
  const redactor = createRedactor()
  const cases: [string, unknown][] = [
    ['event without secrets', plainEvent],
    ['event full of secrets', secretEvent],
    ['shell command string (4 KB)', shellText],
    ['log excerpt string (4 KB)', logText],
    ['JSON document string (2 KB)', jsonText],
  ]
  const bench = new Bench({ time: 1000, warmup: true })
  for (const [name, value] of cases) bench.add(name, () => void redactor.redact(value))
  await bench.run()
  const rows: RedactionBenchRow[] = bench.tasks.map((task, i) => {
    const r = task.result as { latency: { mean: number; p99?: number } }
    return {
      case: task.name,
      bytes: JSON.stringify(cases[i]?.[1]).length,
      mean_us: Math.round(r.latency.mean * 1000 * 100) / 100,
      p99_us: Math.round((r.latency.p99 ?? 0) * 1000 * 100) / 100,
    }
  })
  console.table(rows)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRedaction()
