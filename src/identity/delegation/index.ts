/**
 * Delegation: an agent hands a narrower identity to a sub-agent. Roles and
 * groups only shrink, lifetimes only shorten, and the depth limit set on the
 * root identity travels in every token below it.
 *
 * @module
 */
export { type DelegateOptions, type Delegation, type DelegationRefusal, delegate } from './delegate.js'
