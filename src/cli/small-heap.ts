/**
 * Keeps V8's heap near its live size for the rest of the process, for
 * one-shot commands that stream a large log.
 *
 * @remarks Two growths raise `airlock audit verify`'s peak memory while
 * almost nothing it allocates lives long:
 *
 * - V8 doubles the young generation whenever enough bytes have survived its
 *   scavenges since the last growth, which a long enough stream of
 *   short-lived rows always reaches, up to 16 MiB a semi-space: about 14 MB
 *   of the peak on a SQLite log and 25 MB on a JSONL file (measured over
 *   200,000 events). `--max-semi-space-size` is read only when the heap is
 *   set up, so it cannot be set from here; the growth factor is read at each
 *   growth, so setting it to 1 at run time does take effect (same
 *   measurement: the peak falls to that of a process started with
 *   `--max-semi-space-size=1`). The scavenges stay as cheap: what survives
 *   each is one page of rows.
 * - Rows that happen to be alive at two scavenges in a row (a page a
 *   database is still sending) are promoted, and the old generation, whose
 *   live part stays under 10 MB, is let grow to several times that before a
 *   full collection. A growth factor of 1.2 instead of V8's (up to 4) keeps
 *   it near the live size: on 1,000,000 JSONL events the peak fell from 74
 *   to 65-67 MB, on 200,000 PostgreSQL events from 93 to 73 MB, SQLite
 *   unchanged at 60 MB; each full collection costs a few milliseconds.
 *   It is also read at run time, at each collection.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8'

/** Stops the young generation from growing and the old one from outgrowing its live part. Process-wide: call only in a command's own process. */
export function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
  setFlagsFromString('--heap-growing-percent=20')
}
