/**
 * The seed's verdict: a host is "unlike the profile" when |ll_host − ll_ref| > ll_ref / 2, else
 * "like the profile", where ll_ref is the reference host's own score with the same method.
 *
 * Kept exactly as the seed wrote it. Note the sign: when ll_ref < 0 (log-likelihoods of a model
 * with wide variances usually are), ll_ref / 2 is negative, the condition always holds, and every
 * host — the reference itself included — is "unlike the profile". The verdict is only meaningful
 * for a positive ll_ref (narrow variances on discrete codes, as in the seed's run); rank hosts by
 * score, or alert on a threshold, otherwise.
 */
export type Verdict = 'like the profile' | 'unlike the profile';

export function verdictOf(score: number, reference: number): Verdict {
  return Math.abs(score - reference) > reference / 2 ? 'unlike the profile' : 'like the profile';
}
