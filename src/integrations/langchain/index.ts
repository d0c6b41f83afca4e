/**
 * Airlock for LangChain.js (`langchain`, `@langchain/core` and
 * `@langchain/langgraph`, optional peers): an agent middleware for
 * `createAgent`, and governed tools that stay LangChain tools. A call that
 * waits for a human pauses the graph with `interrupt()` and continues on
 * `Command({ resume })` once Airlock's approval is decided.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   model, tools, checkpointer,
 *   middleware: [airlockMiddleware({ airlock, registry })],
 * })
 * ```
 *
 * @module
 */
export { type AirlockMiddlewareConfig, airlockMiddleware } from './airlock-middleware.js'
export type { AirlockInterrupt, OnHold } from './hold-with-interrupt.js'
export { type LangChainToolsConfig, toLangChainTools } from './to-lang-chain-tools.js'
