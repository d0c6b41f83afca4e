/**
 * In-process limits backend: the default for a single gateway process.
 *
 * @module
 */
export { type MemoryLimitsOptions, memoryLimits } from './memory-limits.js'
