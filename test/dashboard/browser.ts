/**
 * Real headless Chromium for the dashboard tests: Debian's `chromium`
 * driven by playwright-core. A missing browser fails the suite (run
 * scripts/ensure-services.sh); it is never skipped.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { CHROMIUM, chromiumLaunchOptions } from '../../scripts/chromium-options.mjs'

/** A browser with a fresh profile; `close()` removes the profile too. */
export async function launchBrowser(
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with scripts/ensure-services.sh (apt-get install chromium)`,
    )
  }
  const profile = await mkdtemp(join(tmpdir(), 'airlock-chromium-'))
  const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions(viewport))
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
