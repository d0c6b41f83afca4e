/**
 * The transparency log over HTTP: signed checkpoints, inclusion proofs of
 * events and consistency proofs between tree sizes. Served when the store
 * has a Merkle tree; checkpoints appear once a transparency log signs them.
 *
 * @module
 */
import { z } from 'zod'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { consistencyBundle, inclusionBundle } from '../../evidence/audit-evidence.js'
import type { MerkleStore } from '../../store/store.js'
import { defineRoute, type Route } from '../route.js'
import { AUTHENTICATED_ERRORS } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

const size = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'expected a tree size: a whole number without leading zeros')
  .transform(Number)

const checkpointSchema = z.object({
  origin: z.string(),
  size: z.number().int(),
  root: z.string().describe('Hex root hash'),
  note: z.string().describe('The C2SP signed checkpoint note'),
  created_at: z.string(),
})
const notFound = { status: 404, description: 'No such event, checkpoint or size', problem: true } as const

function merkleOf(deps: RouteDeps): MerkleStore {
  const merkle = deps.airlock.store.merkle
  if (!merkle) throw new AirlockError(ErrorCode.EVIDENCE_NOT_FOUND, 'this store keeps no Merkle tree')
  return merkle
}

/** `GET audit/checkpoint`, `audit/checkpoints`, `audit/events/{id}/proof`, `audit/consistency`. */
export function evidenceRoutes(deps: RouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/audit/checkpoint',
      operation_id: 'latestCheckpoint',
      summary: 'The latest signed checkpoint (C2SP tlog-checkpoint), as text',
      tag: 'audit',
      responses: [
        { status: 200, description: 'The signed note (text/plain)' },
        notFound,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c) => {
        const cp = await merkleOf(deps).latestCheckpoint()
        if (!cp) throw new AirlockError(ErrorCode.EVIDENCE_NOT_FOUND, 'no checkpoint has been signed yet')
        return c.body(cp.note, 200, { 'content-type': 'text/plain; charset=utf-8' })
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/checkpoints',
      operation_id: 'listCheckpoints',
      summary: 'Signed checkpoints, largest first',
      tag: 'audit',
      query: z.strictObject({
        limit: size.pipe(z.number().int().min(1).max(1000)).optional(),
        before: size.optional().describe('Only checkpoints of fewer leaves'),
      }),
      responses: [
        { status: 200, description: 'Checkpoints', schema: z.object({ items: z.array(checkpointSchema) }) },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) =>
        c.json({ items: await merkleOf(deps).checkpoints(query.limit ?? 50, query.before ?? null) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/events/{id}/proof',
      operation_id: 'auditEventProof',
      summary: 'An event of the caller’s tenant with its inclusion proof and the checkpoint it proves into',
      tag: 'audit',
      params: z.object({ id: z.string().min(1).max(200) }),
      query: z.strictObject({
        size: size.optional().describe('A checkpointed tree size; default the latest'),
      }),
      responses: [
        { status: 200, description: 'The inclusion bundle (check it with airlock audit prove --verify)' },
        notFound,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { params, query }) => {
        const store = { audit: deps.airlock.store.audit, merkle: merkleOf(deps) }
        const tenant = c.get('principal').tenant_id
        return c.json(
          await inclusionBundle(store, params.id, {
            tenant,
            ...(query.size === undefined ? {} : { size: query.size }),
          }),
        )
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/consistency',
      operation_id: 'auditConsistency',
      summary: 'The consistency proof between two tree sizes',
      tag: 'audit',
      query: z.strictObject({ from: size, to: size }),
      responses: [
        {
          status: 200,
          description: 'Base64 proof hashes',
          schema: z.object({ from: z.number(), to: z.number(), consistency_proof: z.array(z.string()) }),
        },
        notFound,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => c.json(await consistencyBundle(merkleOf(deps), query.from, query.to)),
    }),
  ]
}
