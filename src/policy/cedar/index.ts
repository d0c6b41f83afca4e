/**
 * Cedar policies as Airlock rules (`airlock/cedar`). Needs the optional peer
 * `@cedar-policy/cedar-wasm`.
 *
 * @module
 */

export { type CedarEntity, NO_TARGET_ID, toCedarContext, toCedarValue } from './cedar-request.js'
export { type CedarRuleConfig, cedarRule } from './cedar-rule.js'
