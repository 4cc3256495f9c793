/**
 * Query parameters as the real API server converts them into options structs (`PodLogOptions`,
 * `PodExecOptions`): booleans are true unless absent, `0` or `false`; integers fail with a BadRequest Status.
 */
import { badRequest } from './status.ts';

/**
 * A boolean query parameter, Kubernetes style: absent → false; `0` or `false` (any case) → false;
 * anything else, even an empty value (`?follow`), → true.
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** An integer query parameter, or undefined when absent. Throws a 400 ApiError worded like Go's strconv. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^[-+]?\d+$/.test(value)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}
