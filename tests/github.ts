/**
 * The GitHub REST rate limit (`GET /rate_limit`, resources.core), recorded before and after a run when the profile
 * names a token. Git over HTTPS does not count against it; the record shows what the run's API use cost.
 */

/** The core REST budget. */
export interface RateLimit {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds of the next reset. */
  reset: number;
}

/** Reads the core rate limit with the token; throws with GitHub's status when it answers an error. */
export async function fetchRateLimit(token: string, apiUrl = 'https://api.github.com'): Promise<RateLimit> {
  const res = await fetch(`${apiUrl}/rate_limit`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'User-Agent': 'gitops-e2e' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET ${apiUrl}/rate_limit: ${res.status} ${res.statusText}`);
  const body = (await res.json()) as { resources: { core: RateLimit } };
  return body.resources.core;
}
