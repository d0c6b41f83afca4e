/**
 * What makes a running gateway reload its policy set: SIGHUP, and (opt-in)
 * a change to one of the files the set is loaded from. Each goes through
 * the one reloader, which validates before it swaps.
 *
 * @module
 */
import { type FSWatcher, statSync, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { PolicyReloader, PolicyReloadResult, ReloadRequest } from '../config/reload-policy.js'
import { type ChangeFeed, POLICY_TOPIC } from '../store/change-feed.js'
import type { PolicyHeadStore } from '../store/policy-head-store.js'
import { LIVE_POLL_MS } from '../store/until-changed.js'
import type { HeldHangups } from './hold-hangups.js'
import type { ServerLogger } from './start-server.js'

/** Options of {@link startPolicyTriggers}. */
export interface PolicyTriggerOptions {
  readonly reload: PolicyReloader
  readonly logger: Pick<ServerLogger, 'info' | 'warn' | 'error'>
  /** Files and folders to watch; null or empty: no watching. */
  readonly watch?: readonly string[] | null
  /** Quiet time after the last change before a watched reload. Default 500 ms. */
  readonly debounce_ms?: number
  /** Listen for SIGHUP. Default true. */
  readonly signal?: boolean
  /** Hangups held since the process started; if one arrived, reload once the triggers run. */
  readonly held?: HeldHangups
  /** Where replicas announce reloads, and how often to look; absent: no announcements. */
  readonly announcements?: {
    readonly store: PolicyHeadStore
    /** The store's change feed: a reload elsewhere is heard at once; polling is the fallback. */
    readonly feed?: ChangeFeed | undefined
    /** How often to look while `feed` is absent or not listening. */
    readonly interval_ms: number
    /** The content hash in force here. */
    readonly current: () => string
  }
}

/** Logs what a reload did: a refusal at warn level with every problem, a swap at info. */
export function logReload(
  logger: PolicyTriggerOptions['logger'],
  request: ReloadRequest,
  result: PolicyReloadResult,
): void {
  if (!result.ok) {
    logger.warn(
      { via: request.via, kept: result.policy.version, issues: result.issues },
      `policy reload refused: ${result.message}`,
    )
  } else if (result.changed) {
    logger.info(
      { via: request.via, version: result.policy.version, label: result.policy.label },
      'policy reloaded',
    )
  }
}

/**
 * Reloads when another replica announces a set whose hash differs from the
 * one in force here; each announcement triggers at most one reload, so
 * replicas whose files differ do not reload in a loop. The head is read on
 * each announcement heard on the feed, and polled as the fallback (every
 * second while the feed is listening, for one lost while it reconnected).
 */
function followAnnouncements(
  options: PolicyTriggerOptions,
  run: (request: ReloadRequest) => void,
): () => void {
  const announcements = options.announcements
  if (!announcements) return () => undefined
  const feed = announcements.feed
  let seen: string | null = null
  let reading = false
  let again = false
  let lastRead = 0
  const read = () => {
    if (reading) {
      again = true
      return
    }
    reading = true
    lastRead = Date.now()
    announcements.store
      .head()
      .then((head) => {
        if (head === null || head.hash === seen) return
        seen = head.hash
        if (head.hash !== announcements.current()) run({ by: head.announced_by, via: 'announcement' })
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, 'cannot read policy announcements'))
      .finally(() => {
        reading = false
        // An announcement heard mid-read may name a newer head than the one just read.
        if (again) {
          again = false
          read()
        }
      })
  }
  const unsubscribe = feed?.subscribe(POLICY_TOPIC, read)
  const timer = setInterval(() => {
    if (feed?.live && Date.now() - lastRead < LIVE_POLL_MS) return
    if (!reading) read()
  }, announcements.interval_ms)
  timer.unref()
  return () => {
    unsubscribe?.()
    clearInterval(timer)
  }
}

/**
 * Starts the triggers; the returned function stops them.
 *
 * @remarks A burst of file events (an editor writing a folder) becomes one
 * reload, `debounce_ms` after the last event.
 */
export function startPolicyTriggers(options: PolicyTriggerOptions): () => void {
  const { reload, logger } = options
  const run = (request: ReloadRequest) => {
    reload(request)
      .then((result) => logReload(logger, request, result))
      .catch((error: unknown) => logger.error({ err: error, via: request.via }, 'policy reload failed'))
  }
  const onHangup = () => run({ by: 'sighup', via: 'signal' })
  if (options.signal ?? true) process.on('SIGHUP', onHangup)
  // Released after the handler above is on, so no hangup falls between the two.
  if (options.held?.release()) {
    logger.info({ via: 'signal' }, 'reloading for a SIGHUP received while starting')
    onHangup()
  }

  let timer: NodeJS.Timeout | undefined
  const changed = () => {
    clearTimeout(timer)
    timer = setTimeout(() => run({ by: 'file-watch', via: 'watch' }), options.debounce_ms ?? 500)
  }
  const watchers: FSWatcher[] = []
  for (const path of options.watch ?? []) {
    try {
      // A file is watched through its folder: editors replace files, which ends a watcher on the file itself.
      const folder = statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path)
      const only = folder === path ? null : basename(path)
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (only === null || name === null || name === only) changed()
      })
      watcher.on('error', (error) => logger.warn({ err: error, path }, 'policy watch stopped for a path'))
      watchers.push(watcher)
    } catch (error) {
      logger.warn({ err: error, path }, 'cannot watch policy path')
    }
  }
  const stopFollowing = followAnnouncements(options, run)
  return () => {
    stopFollowing()
    if (options.signal ?? true) process.off('SIGHUP', onHangup)
    clearTimeout(timer)
    for (const watcher of watchers) watcher.close()
  }
}
