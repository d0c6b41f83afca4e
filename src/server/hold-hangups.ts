/**
 * SIGHUP while `airlock serve` starts. Node's default for SIGHUP ends the
 * process, so an operator's reload sent while the gateway is still loading
 * (a deploy hook, a config-management run) would take a starting replica
 * down. From the very start of `serve` a hangup is held instead, and
 * answered with one reload once the policy triggers are running: the set
 * being loaded may predate the edit the hangup announces.
 *
 * @module
 */

/** Hangups held until the policy triggers take over. */
export interface HeldHangups {
  /** Stops holding; true when at least one hangup arrived meanwhile. */
  release(): boolean
}

let held = 0
let holders = 0
const onHangup = () => {
  held += 1
}

/** Starts holding SIGHUP (so it no longer ends the process) until `release()`. */
export function holdHangups(): HeldHangups {
  // One listener however many holders: a serve that fails to start and is retried in-process leaves none behind.
  if (holders === 0) process.on('SIGHUP', onHangup)
  holders += 1
  const since = held
  let released = false
  return {
    release() {
      if (released) return false
      released = true
      holders -= 1
      if (holders === 0) process.off('SIGHUP', onHangup)
      return held > since
    },
  }
}
