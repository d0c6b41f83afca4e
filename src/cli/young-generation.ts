/**
 * Keeps V8's young generation at its starting size for the rest of the
 * process, for one-shot commands that stream a large log.
 *
 * @remarks V8 doubles the young generation whenever enough bytes have
 * survived its scavenges since the last growth, which a long enough stream
 * of short-lived rows always reaches, up to 16 MiB a semi-space: about 14 MB
 * of `airlock audit verify`'s peak memory on a SQLite log and 25 MB on a
 * JSONL file (measured over 200,000 events). `--max-semi-space-size` is
 * read only when the heap is set up, so it cannot be set from here; the
 * growth factor is read at each growth, so setting it to 1 at run time does
 * take effect (same measurement: the peak falls to that of a process started
 * with `--max-semi-space-size=1`). The scavenges stay as cheap: what
 * survives each is one page of rows.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8'

/** Stops the young generation from growing. Process-wide: call only in a command's own process. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}
