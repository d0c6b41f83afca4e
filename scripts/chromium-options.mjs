// How the project drives headless Chromium (the dashboard tests and
// `npm run screenshots`): one place for the binary and its flags. The flags
// keep the browser off the network it would otherwise reach on its own.

/** Debian's `chromium` unless AIRLOCK_CHROMIUM names another binary. */
export const CHROMIUM = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium'

/** Options for playwright-core's `chromium.launchPersistentContext`. */
export function chromiumLaunchOptions(viewport = { width: 1280, height: 900 }) {
  return {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
  }
}
