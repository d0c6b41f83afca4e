/**
 * In-memory store, for tests and demos.
 *
 * @module
 */
export { memoryStore } from './memory-store.js'
