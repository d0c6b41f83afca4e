/**
 * The server-side function of migration 12: a whole batch of writes in one
 * call, so a batch costs one round trip instead of one per statement.
 *
 * @remarks This text is part of a released migration and is never edited: a
 * change ships as a new migration that replaces the function.
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

/** `CREATE FUNCTION` for the quoted schema `s`. */
export function writeBatchFunction(s: string): string {
  return `CREATE FUNCTION ${s}.airlock_write_batch(batch jsonb) RETURNS jsonb
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
${keyedOpsLoop(s, 'airlock_write_batch', false)}  IF jsonb_array_length(coalesce(batch -> 'events', '[]'::jsonb)) > 0 THEN
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

/**
 * The loop that applies a batch's claims and completions in order, appending
 * each answer to `results`; with `trackFresh`, also whether each op took its
 * key fresh to `fresh` (a claim that was not recovered). Migration 12's text
 * is this without tracking, byte for byte.
 */
export function keyedOpsLoop(s: string, name: string, trackFresh: boolean): string {
  const idem = `${s}.airlock_idempotency`
  const scope = `tenant_id = op ->> 'tenant_id' AND action = op ->> 'action' AND idem_key = op ->> 'key'`
  const track = (value: string, indent = '  ') =>
    trackFresh ? `${indent}      fresh := array_append(fresh, ${value});\n` : ''
  return `  FOR op IN SELECT e.value FROM jsonb_array_elements(coalesce(batch -> 'ops', '[]'::jsonb))
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
        results := array_append(results, jsonb_build_object('kind', 'claimed', 'recovered', v_recovered = 1));
${track('v_recovered = 0')}      ELSE
        SELECT fingerprint, state, outcome INTO v_row FROM ${idem} WHERE ${scope};
        IF NOT FOUND THEN
          RAISE EXCEPTION 'idempotency key % vanished during its claim', op ->> 'key';
        END IF;
        results := array_append(results, CASE WHEN v_row.state = 'completed'
          THEN jsonb_build_object('kind', 'completed', 'fingerprint', v_row.fingerprint,
            'outcome', coalesce(v_row.outcome, ''))
          ELSE jsonb_build_object('kind', 'in_flight', 'fingerprint', v_row.fingerprint) END);
${track('false', '  ')}      END IF;
    ELSIF op ->> 'kind' = 'complete' THEN
      UPDATE ${idem} SET state = 'completed', outcome = op ->> 'outcome', expires_at = op ->> 'expires_at'
        WHERE ${scope} AND owner = op ->> 'owner' AND state = 'in_flight';
      GET DIAGNOSTICS v_changed = ROW_COUNT;
      results := array_append(results, jsonb_build_object('stored', v_changed = 1));
${track('false', '')}    ELSE
      RAISE EXCEPTION USING ERRCODE = '22023',
        MESSAGE = format('${name}: op kind must be claim or complete, got %s', op ->> 'kind');
    END IF;
  END LOOP;
`
}
