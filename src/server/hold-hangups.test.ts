import { afterEach, describe, expect, it } from 'vitest'
import { holdHangups } from './hold-hangups.js'

const hangup = () => process.emit('SIGHUP', 'SIGHUP')
const listeners = () => process.listenerCount('SIGHUP')

describe('holdHangups', () => {
  const before = listeners()
  afterEach(() => expect(listeners()).toBe(before))

  it('says whether a hangup arrived while it held, and stops holding on release', () => {
    const quiet = holdHangups()
    expect(listeners()).toBe(before + 1)
    expect(quiet.release()).toBe(false)
    const held = holdHangups()
    hangup()
    expect(held.release()).toBe(true)
    // Released once: a second release neither reports the hangup again nor removes another holder's listener.
    expect(held.release()).toBe(false)
  })

  it('keeps one listener for overlapping holders, each seeing only hangups since it began', () => {
    const first = holdHangups()
    hangup()
    const second = holdHangups()
    expect(listeners()).toBe(before + 1)
    expect(second.release()).toBe(false)
    expect(listeners()).toBe(before + 1)
    expect(first.release()).toBe(true)
  })
})
