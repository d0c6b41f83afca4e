/** Reading back what the sinks wrote, for the shipping suites. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AuditEvent } from '../../src/audit/audit-event.js'

/** A parsed JSONL body: its events, and the checkpoint trailer if any. */
export interface ShippedText {
  readonly events: AuditEvent[]
  readonly checkpoint: { origin: string; size: number; root: string; note: string } | null
}

/** Splits a JSONL body into events and an optional final checkpoint line. */
export function parseShipped(text: string): ShippedText {
  const lines = text.split('\n').filter((l) => l !== '')
  const events: AuditEvent[] = []
  let checkpoint: ShippedText['checkpoint'] = null
  lines.forEach((line, i) => {
    const value = JSON.parse(line) as Record<string, unknown>
    if ('checkpoint' in value) {
      if (i !== lines.length - 1) throw new Error('a checkpoint line before the end')
      checkpoint = value.checkpoint as NonNullable<ShippedText['checkpoint']>
    } else events.push(value as unknown as AuditEvent)
  })
  return { events, checkpoint }
}

/** The files of a directory in name order, parsed. */
export function readShippedDir(dir: string): { name: string; shipped: ShippedText }[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, shipped: parseShipped(readFileSync(join(dir, name), 'utf8')) }))
}

/** Seqs in the order received, with duplicates dropped as an at-least-once receiver would. */
export function dedupeBySeq(seqs: readonly number[]): number[] {
  const out: number[] = []
  for (const seq of seqs) if (out.length === 0 || seq > out[out.length - 1]!) out.push(seq)
  return out
}

/** 1..n */
export function upTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1)
}
