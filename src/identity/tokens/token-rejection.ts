/** Why a signed token was refused. Stable values; reasons in messages may be reworded. */
export type TokenRejectionReason =
  | 'malformed'
  | 'alg_none'
  | 'wrong_algorithm'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'wrong_type'
  | 'invalid_claims'

/** A refused token: the stable reason and a message naming the cause. */
export interface TokenRejection {
  readonly reason: TokenRejectionReason
  readonly message: string
}
