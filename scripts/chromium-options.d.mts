export declare const CHROMIUM: string
export declare function chromiumLaunchOptions(viewport?: { width: number; height: number }): {
  executablePath: string
  headless: boolean
  args: string[]
  viewport: { width: number; height: number }
}
