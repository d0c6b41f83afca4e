export { AapRule, compileAapRule } from './aap-rule.js'
export { AAP_ACTIONS, type AapRuleSpec, aapFileSchema, aapRuleSchema } from './aap-rule-schema.js'
