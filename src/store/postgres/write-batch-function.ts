/**
 * The server-side functions of migrations 12 and 13: a whole batch of writes
 * in one call, so a batch costs one round trip instead of one per statement.
 *
 * @remarks The text of a released migration is never edited, and the
 * version argument keeps each migration's text as it was released.
 * Migration 13 adds claims that carry an event (see below) as a function of
 * its own name, `airlock_write_batch2`, beside migration 12's
 * `airlock_write_batch`: code that sends such claims fails loudly on a
 * schema without it (the function does not exist) instead of having a
 * function that ignores the mark append events it must not, and replicas of
 * the previous version keep calling the function they know.
 *
 * The batch is one JSON document:
 * - `ops`: claims and completions, already in lock order (key, then op
 *   order), each applied exactly as its single-call statement in
 *   `postgres-idempotency.ts`; the result array answers them in that order.
 * - `events`, `from`, `to`: the audit rows, linked by the caller onto the
 *   head `from`; the head moves to `to` only if it still is `from`.
 *
 * Locks are taken keys first, head last (the same order as the
 * multi-statement batch), so no two batches can deadlock. When the head has
 * moved (another replica appended since the caller read it) the function
 * raises SQLSTATE `AL001` with the current head as `seq hash` in the detail;
 * the call is one statement, so nothing of it was written and the caller can
 * link again and retry.
 *
 * @module
 */

/** SQLSTATE raised by `airlock_write_batch` when the chain head is not the one the batch was linked onto. */
export const HEAD_MOVED_SQLSTATE = 'AL001'

/**
 * SQLSTATE raised (from migration 13) when a claim marked `with_event` did
 * not take its key fresh: the caller linked that claim's event into the
 * batch, so nothing of it was written, and the batch must go the locked
 * path, where the events are linked once the claims are answered.
 */
export const CLAIM_NOT_FRESH_SQLSTATE = 'AL002'

/** Refuses a claim whose event is linked into the batch when the claim did not take its key fresh. */
function notFresh(when: string): string {
  return `IF (op ->> 'with_event')::boolean AND ${when} THEN
          RAISE EXCEPTION USING ERRCODE = '${CLAIM_NOT_FRESH_SQLSTATE}',
            MESSAGE = 'a claim carrying an event did not take its key fresh';
        END IF;
        `
}

/** The name of the function this code calls (migration 13). */
export const WRITE_BATCH_FUNCTION = 'airlock_write_batch2'

/** The function as migration `version` (12 or 13) creates it, for the quoted schema `s`. */
export function writeBatchFunction(s: string, version: 12 | 13): string {
  const name = version === 12 ? 'airlock_write_batch' : WRITE_BATCH_FUNCTION
  const onClaimed = version === 12 ? '' : notFresh('v_recovered = 1')
  const onLost = version === 12 ? '' : notFresh('true')
  const idem = `${s}.airlock_idempotency`
  const scope = `tenant_id = op ->> 'tenant_id' AND action = op ->> 'action' AND idem_key = op ->> 'key'`
  return `CREATE FUNCTION ${s}.${name}(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  op jsonb;
  -- An array grows in place (a jsonb value would be copied on every append).
  results jsonb[] := '{}';
  v_recovered integer;
  v_row record;
  v_changed integer;
  v_head record;
BEGIN
  FOR op IN SELECT e.value FROM jsonb_array_elements(coalesce(batch -> 'ops', '[]'::jsonb))
      WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
    IF op ->> 'kind' = 'claim' THEN
      -- The upsert locks the row it conflicted with even when it did not win,
      -- so the read below sees the row that beat it.
      INSERT INTO ${idem} AS i
        (tenant_id, action, idem_key, fingerprint, owner, state, lease_until, outcome, expires_at, recovered)
      VALUES (op ->> 'tenant_id', op ->> 'action', op ->> 'key', op ->> 'fingerprint', op ->> 'owner',
        'in_flight', op ->> 'lease_until', NULL, NULL, 0)
      ON CONFLICT (tenant_id, action, idem_key) DO UPDATE SET
        fingerprint = excluded.fingerprint, owner = excluded.owner, state = 'in_flight',
        lease_until = excluded.lease_until, outcome = NULL, expires_at = NULL,
        recovered = CASE WHEN i.state = 'in_flight' THEN 1 ELSE 0 END
      WHERE (i.state = 'in_flight' AND i.lease_until <= op ->> 'now' AND i.fingerprint = excluded.fingerprint)
         OR (i.state = 'completed' AND i.expires_at <= op ->> 'now')
      RETURNING i.recovered INTO v_recovered;
      IF FOUND THEN
        ${onClaimed}results := array_append(results, jsonb_build_object('kind', 'claimed', 'recovered', v_recovered = 1));
      ELSE
        ${onLost}SELECT fingerprint, state, outcome INTO v_row FROM ${idem} WHERE ${scope};
        IF NOT FOUND THEN
          RAISE EXCEPTION 'idempotency key % vanished during its claim', op ->> 'key';
        END IF;
        results := array_append(results, CASE WHEN v_row.state = 'completed'
          THEN jsonb_build_object('kind', 'completed', 'fingerprint', v_row.fingerprint,
            'outcome', coalesce(v_row.outcome, ''))
          ELSE jsonb_build_object('kind', 'in_flight', 'fingerprint', v_row.fingerprint) END);
      END IF;
    ELSIF op ->> 'kind' = 'complete' THEN
      UPDATE ${idem} SET state = 'completed', outcome = op ->> 'outcome', expires_at = op ->> 'expires_at'
        WHERE ${scope} AND owner = op ->> 'owner' AND state = 'in_flight';
      GET DIAGNOSTICS v_changed = ROW_COUNT;
      results := array_append(results, jsonb_build_object('stored', v_changed = 1));
    ELSE
      RAISE EXCEPTION USING ERRCODE = '22023',
        MESSAGE = format('airlock_write_batch: op kind must be claim or complete, got %s', op ->> 'kind');
    END IF;
  END LOOP;
  IF jsonb_array_length(coalesce(batch -> 'events', '[]'::jsonb)) > 0 THEN
    UPDATE ${s}.airlock_audit_head SET seq = (batch #>> '{to,seq}')::bigint, hash = batch #>> '{to,hash}'
      WHERE id = 1 AND seq = (batch #>> '{from,seq}')::bigint AND hash = batch #>> '{from,hash}';
    IF NOT FOUND THEN
      SELECT seq, hash INTO v_head FROM ${s}.airlock_audit_head WHERE id = 1;
      RAISE EXCEPTION USING ERRCODE = '${HEAD_MOVED_SQLSTATE}', MESSAGE = 'the audit chain head moved',
        DETAIL = format('%s %s', v_head.seq, v_head.hash);
    END IF;
    INSERT INTO ${s}.airlock_audit_events
      (seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash)
    SELECT e.seq, e.id, e.ts, e.tenant_id, e.request_id, e.status, e.action, e.actor, e.decision, e.approval_id,
      e.body, e.prev_hash, e.hash
    FROM jsonb_to_recordset(batch -> 'events') AS e(seq bigint, id text, ts text, tenant_id text,
      request_id text, status text, action text, actor text, decision text, approval_id text, body text,
      prev_hash text, hash text);
  END IF;
  RETURN to_jsonb(results);
END
$fn$`
}
