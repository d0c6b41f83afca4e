/**
 * The tree grower thread's entry: hashes the runs of events the main thread
 * sends and answers with the nodes to store.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads'
import type { GrowerReply, GrowerRequest } from './tree-grower-thread.js'
import { storedGrowth } from './tree-growth.js'

const port = parentPort!

port.on('message', (request: GrowerRequest) => {
  let reply: GrowerReply
  try {
    reply = { id: request.id, nodes: storedGrowth(request) }
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply)
})
