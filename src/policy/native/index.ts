export { actionGlobFilter, compileNativeRule, type IssueReporter, NativeRule } from './native-rule.js'
export { type NativeRuleSpec, nativeFileSchema, nativeRuleSchema } from './native-rule-schema.js'
