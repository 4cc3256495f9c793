/**
 * Who a container's processes run as, and who owns the files of its image.
 *
 * The sandbox has no real users: the pod tree's files belong to whoever runs the sandbox. What a container
 * reports (`id`, `whoami`, `$HOME`, `ls -l` owners) is therefore derived here, from the pod spec and from the
 * `/etc/passwd` that `PodFiles.ensure` writes, so every command tells the same story.
 */
import type { KubeObject } from '../kube/types.ts';

/** One `/etc/passwd` entry of the emulated image. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** The users of the emulated image, in `/etc/passwd` order. */
export const IMAGE_USERS: readonly PasswdEntry[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' },
  { name: 'foundry', uid: 1000, gid: 1000, home: '/home/foundry', shell: '/bin/sh' },
];

/** The owner `ls -l` and `stat` show for every file: the image's content belongs to the foundry user. */
export const FILE_OWNER: Readonly<PasswdEntry> = IMAGE_USERS[1];

/** The identity a container's processes run as. `user`/`group` are undefined for ids missing from passwd. */
export interface ContainerIdentity {
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  /** `$HOME`: the passwd home, or `/` for unknown ids (what container runtimes set). */
  home: string;
}

/**
 * The identity of `container` in `pod`: `securityContext.runAsUser`/`runAsGroup` of the container, else of the
 * pod, else root (an image without a `USER`). Use it for `id`, `whoami` and the exec environment's `HOME`.
 */
export function containerIdentity(pod: KubeObject, containerName?: string): ContainerIdentity {
  const containers: Array<{ name?: string; securityContext?: Record<string, unknown> }> = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ];
  const container = containers.find((c) => c.name === containerName);
  const pick = (field: string): number | undefined => {
    const own = container?.securityContext?.[field];
    const podLevel = pod.spec?.securityContext?.[field];
    const value = own ?? podLevel;
    return typeof value === 'number' ? value : undefined;
  };
  const uid = pick('runAsUser') ?? 0;
  const entry = IMAGE_USERS.find((u) => u.uid === uid);
  const gid = pick('runAsGroup') ?? entry?.gid ?? 0;
  const group = IMAGE_USERS.find((u) => u.gid === gid)?.name;
  return { uid, gid, user: entry?.name, group, home: entry?.home ?? '/' };
}

/** The `/etc/passwd` text of the emulated image. */
export function passwdText(): string {
  return IMAGE_USERS.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:${u.shell}\n`).join('');
}

/** The `/etc/group` text of the emulated image. */
export function groupText(): string {
  return IMAGE_USERS.map((u) => `${u.name}:x:${u.gid}:\n`).join('');
}
