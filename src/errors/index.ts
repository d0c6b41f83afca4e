export { AirlockError, type AirlockErrorOptions } from './airlock-error.js'
export { ConfigError, type ConfigIssue, type SourceLocation } from './config-error.js'
export { ErrorCode, HTTP_STATUS } from './error-codes.js'
