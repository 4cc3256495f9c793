/**
 * Phase 02 — OCI push of the to-tag: push the models artifact with the run id annotated, then observe — never nudge —
 * Flux's image reflector find it on its own schedule (ImageRepository tags +1) and the ImagePolicy pick it. Fails at
 * once on a scan failure or when the image-reflector-controller stops scanning. Budget: OCI push → detection.
 * Before the push, the upgrade's baseline (the HelmRelease, the foundry pods, the automation's last commit) is
 * recorded: in automation mode the push alone starts the upgrade, possibly before phase 03 begins.
 */
import { existsSync } from 'node:fs';
import { expect, test } from '../fixtures/index.ts';
import { fluxObjects, fluxStall, lastScan } from '../fixtures/flux.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { fluxObjectSettled } from '../helpers/conditions.ts';
import { helmBaseline } from '../helpers/helm-upgrade.ts';
import { conditionChangedAt, scannedAt } from '../helpers/flux-times.ts';
import { artifactFor } from '../targets/load.ts';
import { Deadline, labelPhase, RUN_ID_ANNOTATION } from '../fixtures/plan.ts';

test(
  'OCI push: the to-tag is pushed and Flux detects it',
  { tag: '@phase2' },
  async ({ target, flux, oras, safety, ledger, facts, timeline, evidence, budgets, pods, runId, log }) => {
    await labelPhase('02 OCI push', `ORAS push of ${target.tags.to} and registry detection`);
    const decision = safety.check('registry push');
    test.skip(!decision.allowed, decision.reason);
    const { to } = target.tags;
    const refs = fluxObjects(target);
    const deadline = new Deadline(target.timeouts.ociPush);
    const tagsBefore = await oras.tags();
    expect(tagsBefore, `${to} must not be in the registry before the push (preflight cleans it)`).not.toContain(to);
    const expectedCount = tagsBefore.length + 1;

    await test.step("record the release, the automation's last commit and start watching the foundry pods", async () => {
      const hr = await flux.require(refs.helmRelease.kind, refs.helmRelease.namespace, refs.helmRelease.name);
      facts.set('upgradeBaseline', helmBaseline(hr));
      await pods.record('upgrade');
      log(`  ${flux.summary(hr)}`);
      const iua = refs.imageUpdateAutomation;
      if (target.mode === 'automation' && iua) {
        const automation = await flux.require(iua.kind, iua.namespace, iua.name);
        facts.set('automationBaseline', automation.status?.lastPushCommit ?? '');
        await evidence.parameter('automation last commit (before)', automation.status?.lastPushCommit ?? '(none yet)');
      }
    });

    // Watches first, so the moment Flux sees the tag is observed, not inferred.
    const ir = refs.imageRepository;
    const detected = await flux.observe(
      ir,
      (obj) => {
        const scan = lastScan(obj);
        const found = (scan?.latestTags ?? []).includes(to) || (scan?.tagCount ?? 0) >= expectedCount;
        return {
          ok: found,
          reason: `ImageRepository ${ir.namespace}/${ir.name} lastScanResult to include ${to}, has ${scan ? `${scan.tagCount} tags (${scan.latestTags.join(', ')})` : 'no scan result'}`,
        };
      },
      { timeoutMs: deadline.left(), what: `ImageRepository ${ir.namespace}/${ir.name} to detect ${to}` },
    );
    const ip = refs.imagePolicy;
    const resolved = await flux.observe(ip, (obj) => fluxObjectSettled(obj, { revision: to }), {
      timeoutMs: deadline.left(),
      what: `ImagePolicy ${ip.namespace}/${ip.name} latest ${to}`,
    });
    const stall = (reactsWithinMs?: number) =>
      fluxStall({
        requeueDependencyMs: target.intervals.requeueDependency,
        ...(reactsWithinMs === undefined ? {} : { reactsWithinMs }),
      });

    await test.step(`push ${to} with ${oras.description}`, async () => {
      const file = artifactFor(target, to);
      expect(existsSync(file), `artifact for ${to}: ${file}`).toBe(true);
      const pushed = await oras.push(to, file, { [RUN_ID_ANNOTATION]: runId });
      const at = Date.now();
      ledger.record({ type: 'oci-push', repository: target.registry.repository, tag: to, digest: pushed.digest });
      timeline.mark(CHECKPOINT.ociPushed, { clientAt: at, source: 'client' });
      facts.set('pushedDigest', pushed.digest);
      await evidence.parameter('pushed', `${pushed.reference} (${pushed.digest})`);
      const fetched = await oras.fetch(to);
      expect(fetched.digest, 'the registry serves what was pushed').toBe(pushed.digest);
      expect(fetched.manifest.artifactType, 'artifactType').toBe(target.registry.artifactType);
      expect(fetched.manifest.annotations?.[RUN_ID_ANNOTATION], 'run id annotation').toBe(runId);
      expect(
        fetched.manifest.layers?.map((l) => l.mediaType),
        'layers',
      ).toEqual([target.registry.mediaType]);
      await evidence.json(`manifest ${to}`, fetched.manifest);
    });

    await test.step(`ImageRepository tags ${expectedCount}, found by its own scheduled scan`, async () => {
      detected.stallAfter(stall());
      const seen = await detected.result;
      timeline.mark(CHECKPOINT.imageRepositoryDetected, {
        clientAt: seen.at,
        serverAt: scannedAt(seen.object),
        alreadyTrue: seen.alreadyTrue,
        source: 'watch',
      });
      const scan = lastScan(seen.object);
      await evidence.parameter('ImageRepository tags', `${scan?.tagCount} (${scan?.latestTags.join(', ')})`);
      expect(scan?.tagCount, `ImageRepository ${ir.namespace}/${ir.name} tag count after the push`).toBe(expectedCount);
    });

    await test.step(`ImagePolicy latest = ${to}`, async () => {
      // image-reflector-controller re-evaluates the policy when its ImageRepository changes (a watch).
      resolved.stallAfter(stall(15_000));
      const latest = await resolved.result;
      timeline.mark(CHECKPOINT.imagePolicyResolved, {
        clientAt: latest.at,
        serverAt: conditionChangedAt(latest.object, 'Ready'),
        alreadyTrue: latest.alreadyTrue,
        source: 'watch',
      });
    });

    await test.step('budget: OCI push → ImageRepository detection', async () => {
      await budgets.report('ociPushToDetection');
    });
  },
);
