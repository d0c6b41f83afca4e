/**
 * The REST API (`airlock/http`): a fetch-standard app over a pipeline, with
 * problem+json errors and a generated OpenAPI document.
 *
 * @module
 */

export {
  type SlackInteractionsConfig,
  slackInteractions,
} from '../approvals/channels/slack/slack-interactions.js'
export * from '../identity/auth/index.js'
export * from '../server/index.js'
export { type AuthThrottle, type AuthThrottleOptions, authThrottle } from './auth-throttle.js'
export type { TrustProxy } from './client-address.js'
export { createHttpApp, type HttpApp, type HttpAppOptions, type HttpLogger } from './create-http-app.js'
export { buildOpenApiDocument, type OpenApiOptions } from './openapi-document.js'
export {
  HttpErrorCode,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  type ProblemCode,
} from './problem.js'
export type { HttpEnv, HttpVariables } from './route.js'
export * from './wire-schemas.js'
