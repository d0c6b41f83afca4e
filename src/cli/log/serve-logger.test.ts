import { describe, expect, it } from 'vitest'
import { formatLogLine } from './pretty-log.js'
import { bannerLogger, resolvedLogFormat, serveLogger } from './serve-logger.js'

function sink(isTTY: boolean) {
  const lines: string[] = []
  return { lines, stdout: { isTTY, write: (text: string) => lines.push(text) } }
}

describe('the serve logger', () => {
  it('writes JSON lines when stdout is not a terminal, readable lines when it is', () => {
    const piped = sink(false)
    serveLogger({ level: 'info', format: 'auto', stdout: piped.stdout, colour: false }).info(
      { request_id: 'r1', status: 200 },
      'request',
    )
    expect(JSON.parse(piped.lines[0] ?? '')).toMatchObject({ msg: 'request', request_id: 'r1', status: 200 })

    const tty = sink(true)
    serveLogger({ level: 'info', format: 'auto', stdout: tty.stdout, colour: false }).info(
      { request_id: 'r1', path: '/a b' },
      'request',
    )
    expect(tty.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}request request_id=r1 path="\/a b"\n$/)
  })

  it('follows --log-format or server.log_format over the terminal check', () => {
    expect(resolvedLogFormat('json', true)).toBe('json')
    expect(resolvedLogFormat('pretty', false)).toBe('pretty')
    expect(resolvedLogFormat('auto', undefined)).toBe('json')
  })

  it('says the banner at info even when the level is warn, and nothing when silent', () => {
    const out = sink(false)
    const logger = serveLogger({ level: 'warn', format: 'json', stdout: out.stdout, colour: false })
    logger.info({}, 'hidden')
    bannerLogger(logger, 'warn').info({ url: 'http://x' }, 'listening on http://x')
    expect(out.lines.map((l) => JSON.parse(l).msg)).toEqual(['listening on http://x'])
    const quiet = sink(false)
    const silent = serveLogger({ level: 'silent', format: 'json', stdout: quiet.stdout, colour: false })
    bannerLogger(silent, 'silent').info({}, 'listening')
    expect(quiet.lines).toEqual([])
  })
})

describe('pretty log lines', () => {
  it('show level, message and fields, and never pass control characters through', () => {
    const line = JSON.stringify({
      level: 40,
      time: 0,
      msg: 'bad\u001b[2Jpath',
      service: 'airlock',
      p: 'x\ny',
    })
    expect(formatLogLine(line, false)).toBe('00:00:00.000 WARN  "bad\\u001b[2Jpath" p="x\\ny"\n')
  })

  it('print an error with its stack under the line, and colour the level only when asked', () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'boom',
      err: { message: 'm', stack: 'Error: m\n  at f' },
    })
    expect(formatLogLine(line, false)).toBe('00:00:00.000 ERROR boom\n    Error: m\n      at f\n')
    expect(formatLogLine(line, true)).toContain('\u001b[31mERROR\u001b[0m')
  })

  it('pass a line that is not JSON through as it is', () => {
    expect(formatLogLine('plain text', false)).toBe('plain text\n')
  })
})
