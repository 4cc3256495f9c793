/**
 * Fleet profiles: one run takes the plan through several targets (edge boxes with one GPU each), one Playwright
 * project per member (named after it; its phases are reported as `<member>:<phase>`), each member with its own profile, run directory, budgets and — for
 * sandbox profiles — its own sandbox (state dir and ports). A fleet file is a YAML with a top-level `fleet:` key:
 *
 *   fleet: edge-fleet
 *   members:
 *     - { name: edge-1, profile: sandbox }
 *     - { name: edge-2, profile: targets/edge-2.yaml, sandboxArgs: [--flux, "2.6"] }
 *     - { name: edge-3, profile: sandbox, overrides: { tags: { to: v0.3.0 } } }
 *
 * Member profiles are ordinary profiles (targets/schema.ts); `sandboxArgs` adds `gitops-sandbox up` words per member;
 * `overrides` replaces profile fields for one member (one profile, per-cluster differences), validated like the rest.
 *
 * Split across CI machines with `E2E_FLEET_SHARD=I/N` ({@link fleetShard}): machine I runs the I-th of N blocks of
 * members, whole members only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { resolveTargetFile, TargetError } from './load.ts';

const memberName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/,
    'must be a short lowercase name (letters, digits, "-"), used in project names and paths',
  );

export const fleetSchema = z
  .strictObject({
    fleet: z.string().min(1).describe('Name of the fleet, shown in reports'),
    description: z.string().optional(),
    members: z
      .array(
        z.strictObject({
          name: memberName.describe(
            "Member name: its project's name, the phases' prefix in reports (<name>:<phase>) and the report's parent suite",
          ),
          profile: z.string().min(1).describe('Profile name in targets/ or a path'),
          sandboxArgs: z.array(z.string()).default([]).describe('Extra `gitops-sandbox up` words for this member'),
          overrides: z
            .record(z.string(), z.unknown())
            .optional()
            .describe('Profile fields replaced for this member: mappings merged key by key, lists and values replaced'),
        }),
      )
      .min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.members.forEach((m, i) => {
      if (seen.has(m.name))
        ctx.addIssue({ code: 'custom', path: ['members', i, 'name'], message: `"${m.name}" is used twice` });
      seen.add(m.name);
    });
  });

export type Fleet = z.output<typeof fleetSchema> & { file: string };

/** The fleet, when `nameOrPath` names a fleet file; undefined for an ordinary profile. Throws {@link TargetError}. */
export function peekFleet(nameOrPath: string | undefined): Fleet | undefined {
  const file = resolveTargetFile(nameOrPath);
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  if (!doc || typeof doc !== 'object' || !('fleet' in doc)) return undefined;
  const result = fleetSchema.safeParse(doc);
  if (!result.success)
    throw new TargetError(result.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
  return { ...result.data, file };
}

/**
 * The members of shard `spec` (`I/N`, 1-based, e.g. `2/3`): the fleet's members in N contiguous blocks, the first
 * ones one larger when they do not divide evenly (3 members in 2 shards: edge-1 and edge-2, then edge-3). A member's
 * phases are never split, and each shard starts only its own members' sandboxes and reports only them. Playwright's
 * own `--shard` splits test files, so it would cut a member's phases apart (playwright.config.ts refuses it). Throws
 * one line for a malformed or impossible spec.
 */
export function fleetShard<T>(members: readonly T[], spec: string | undefined): T[] {
  if (spec === undefined || spec === '') return [...members];
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const [index, total] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || index < 1 || total < 1 || index > total) {
    throw new Error(
      `E2E_FLEET_SHARD=${spec}: expected I/N with 1 ≤ I ≤ N, e.g. 2/3 (machine I of N, each running whole members)`,
    );
  }
  if (total > members.length) {
    throw new Error(
      `E2E_FLEET_SHARD=${spec}: the fleet has ${members.length} members, so at most ${members.length} shards (each runs whole members)`,
    );
  }
  const size = Math.floor(members.length / total);
  const larger = members.length % total;
  const from = (index - 1) * size + Math.min(index - 1, larger);
  return members.slice(from, from + size + (index <= larger ? 1 : 0));
}
