/**
 * A process that stops a worker thread while a call to it is in flight and
 * has nothing else to do: it prints `stopped <answer>` once `stop` resolved.
 * A process that ended first (the thread no longer keeping it alive) would
 * leave the top-level await unsettled and print nothing.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import { WorkerCalls } from '../../../src/internal/worker-calls.js'

// Answers a call after 200 ms of work, as a checkpoint pass would; `close` ends it.
const THREAD = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', (message) => {
  if (message.kind === 'close') return parentPort.close()
  const until = Date.now() + 200
  while (Date.now() < until) {}
  parentPort.postMessage({ id: message.id })
})`

type Message = { readonly kind: 'work'; readonly id: number } | { readonly kind: 'close' }

const calls = new WorkerCalls<Message, { readonly id: number }, string>({
  from: import.meta.url,
  name: 'unused',
  spawn: () => new Worker(THREAD, { eval: true }),
  read: () => ({ result: 'answered' }),
  died: (why) => new Error(`the thread stopped (${why})`),
})
const answer = calls.call((id) => ({ kind: 'work', id }))
await calls.stop({ kind: 'close' })
process.stdout.write(`stopped ${await answer}\n`)
