/**
 * Label and field selectors of lists and watches, compiled once per request into one predicate, with the
 * real server's 400 answers for malformed selectors and unsupported field labels.
 */
import type { KubeObject } from '../kube/types.ts';
import type { ResourceType } from './resources.ts';
import {
  matchFieldSelector,
  matchLabelSelector,
  parseFieldSelector,
  parseLabelSelector,
  unsupportedFieldLabel,
} from './selectors.ts';
import { badRequest } from './status.ts';

/** Compiles the selectors of a list or watch into one predicate; throws 400 on malformed selectors. */
export function compileSelectors(
  type: ResourceType,
  labelSelector?: string,
  fieldSelector?: string,
): ((obj: KubeObject) => boolean) | undefined {
  if (!labelSelector && !fieldSelector) return undefined;
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelSelector) labels = parseLabelSelector(labelSelector);
    if (fieldSelector) fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  if (fields) {
    const target = type.storageOf ?? type;
    const why = unsupportedFieldLabel(fields, target.group, target.kind);
    if (why) throw badRequest(why);
  }
  return (obj) =>
    (!labels || matchLabelSelector(labels, obj.metadata.labels)) && (!fields || matchFieldSelector(fields, obj));
}
