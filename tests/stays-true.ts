/**
 * The "stays true" verdict after the upgrade (end of phase 05) and after the rollback (end of phase 06): a test of
 * its own, so a late movement — a second rollout, a restart, a new commit, the ImagePolicy moving on, a Warning
 * event — fails exactly it, with what moved, when and why. The window only observes.
 */
import { expect, test } from '../fixtures/index.ts';
import type { RunFacts } from '../fixtures/facts.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import { lsRemoteHead } from '../fixtures/git.ts';
import { watchStaysTrue } from '../fixtures/stays-true.ts';
import { formatDuration } from '../helpers/durations.ts';
import { formatMovements, type EndState } from '../helpers/stays-true.ts';
import type { LoadedTarget } from '../targets/load.ts';
import { labelPhase } from './plan.ts';

/** The flow's end state after `after`, from the facts its phase recorded; undefined when it did not get there. */
function endState(after: 'upgrade' | 'rollback', facts: RunFacts, target: LoadedTarget): EndState | undefined {
  if (after === 'upgrade') {
    const [commit, pod, release] = [facts.get('gitPushedSha'), facts.get('newPod'), facts.get('upgradedRelease')];
    return commit && pod && release ? { commit, pod, helmVersion: release.version, imagePolicyTag: target.tags.to } : undefined;
  }
  const [commit, pod, release, tag] = [facts.get('rollbackSha'), facts.get('rollbackPod'), facts.get('rolledBackRelease'), facts.get('rollbackPolicyTag')];
  return commit && pod && release && tag ? { commit, pod, helmVersion: release.version, imagePolicyTag: tag } : undefined;
}

/** Declares the test `stays true after the <after>` in the calling spec file (after its phase's test). */
export function staysTrueTest(after: 'upgrade' | 'rollback', phase: { feature: string; tag: string }): void {
  test(`stays true after the ${after}: nothing moves for the profile's window`, { tag: [phase.tag, '@stays-true'] }, async ({ target, k8s, facts, evidence, credentials, log }) => {
    await labelPhase(phase.feature, `nothing moves for ${formatDuration(target.staysTrue)} after the ${after}`);
    test.skip(target.staysTrue === 0, 'staysTrue: 0s in the profile');
    const end = endState(after, facts, target);
    test.skip(!end, `the ${after} did not complete in this run (no end state to hold)`);
    const refs = fluxObjects(target);
    await evidence.json('end state that must hold', end);
    log(`  watching for ${formatDuration(target.staysTrue)} that nothing moves after the ${after} (${end!.pod}, release v${end!.helmVersion}, ${end!.imagePolicyTag}, ${end!.commit.slice(0, 12)})`);
    const result = await watchStaysTrue({
      k8s,
      end: end!,
      windowMs: target.staysTrue,
      scope: {
        appNamespace: target.namespaces.app,
        fluxNamespace: target.namespaces.flux,
        helmRelease: target.objects.helmRelease,
        kustomizations: target.objects.kustomizations,
        imagePolicy: target.objects.imagePolicy,
        fluxObjects: [refs.gitRepository, ...refs.kustomizations, refs.helmRelease, refs.imageRepository, refs.imagePolicy, ...(refs.imageUpdateAutomation ? [refs.imageUpdateAutomation] : [])],
        podSelector: target.objects.podSelector,
      },
      branchHead: () => lsRemoteHead({ url: target.git.remote, branch: target.git.branch, authorName: target.git.authorName, authorEmail: target.git.authorEmail, ...credentials.git }),
    });
    await evidence.json('stays-true window', result);
    await evidence.parameter('stays-true window', `${formatDuration(result.endedAt - result.startedAt)} watched, ${result.movements.length} movement(s), ${result.events.length} event(s)`);
    expect(result.movements.length, formatMovements(result.movements, result.startedAt, target.staysTrue)).toBe(0);
  });
}
