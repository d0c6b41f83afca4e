export { flattenArgs, pythonFloatRepr, pythonRepr, pythonStr, pythonStringRepr } from './args-text.js'
export {
  CEL_VARIABLES,
  type CelConditionResult,
  type CelOutcome,
  celBindings,
  compileCelCondition,
} from './cel-condition.js'
export { compileGlob, isGlobPattern, type StringTest } from './glob.js'
export { compileNamePattern, type NamePatternResult } from './name-pattern.js'
export { extractPaths, normalizePath } from './path.js'
export { compilePathPatterns, type PathPatternsResult } from './path-patterns.js'
export { compileRegex, type RegexResult } from './safe-regex.js'
export { compileTimeWindow, isValidTimeZone, type TimeWindow } from './time-window.js'
export {
  compileValueMatcher,
  type Quantifier,
  type ValueMatcherResult,
  type ValueMatcherSpec,
} from './value-matcher.js'
