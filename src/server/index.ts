/**
 * Running the HTTP API as a process: `startServer()` behind `airlock serve`.
 *
 * @module
 */
export {
  type CloseOptions,
  type RunningServer,
  type ServerLogger,
  type StartServerOptions,
  startServer,
} from './start-server.js'
