import { isoTime } from './iso-time.js'
import { checkAfter } from './limit.js'
import { badRequest } from './store-error.js'

/** Rejects a shipper name that is empty or not a short printable string. */
export function checkShipperName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(name)) {
    throw badRequest(
      `shipper name must be 1 to 128 letters, digits, '.', '_', ':' or '-', got ${JSON.stringify(name)}`,
    )
  }
  return name
}

/** Checks the arguments of a cursor move; returns the normalised time. */
export function checkCursorMove(name: string, from: number, to: number, now: string): string {
  checkShipperName(name)
  checkAfter(from)
  checkAfter(to)
  if (to <= from) throw badRequest(`a shipper cursor only moves forward (from ${from} to ${to})`)
  return isoTime(now, 'now')
}
