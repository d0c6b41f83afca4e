/**
 * Airlock: a policy enforcement and decision point for the actions AI agents take.
 *
 * @module
 */
export * from './errors/index.js'
