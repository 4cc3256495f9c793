/**
 * What every phase spec shares: the Allure labels that place it in the plan, the time left of the phase's budget
 * for its waits, and the annotation that ties registry artifacts to a run.
 */
import * as allure from 'allure-js-commons';

/** Manifest annotation carrying the run id on artifacts the suite pushes; preflight deletes a leftover only with it. */
export { RUN_ID_ANNOTATION } from '../helpers/ownership.ts';

/** Labels one phase in the reports: epic (the plan), feature (the phase), story and severity. */
export async function labelPhase(feature: string, story: string, severity: 'blocker' | 'critical' | 'normal' = 'critical'): Promise<void> {
  await allure.epic('GitOps delivery of AI models to a one-GPU cluster');
  await allure.feature(feature);
  await allure.story(story);
  await allure.severity(severity);
  await allure.owner('gitops-e2e');
}

/** The time left of a phase's limit, so consecutive waits share it instead of each getting all of it. */
export class Deadline {
  readonly #end: number;

  constructor(limitMs: number, start = Date.now()) {
    this.#end = start + limitMs;
  }

  /** Milliseconds left, at least one second so a late wait still reports what it saw. */
  left(): number {
    return Math.max(1_000, this.#end - Date.now());
  }
}
