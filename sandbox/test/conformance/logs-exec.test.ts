/**
 * `kubectl logs` (plain, `--tail`, `--timestamps`, `-l` with `--prefix`, `-f` with lines appended while
 * following, `--previous` without a previous container) and `kubectl exec` (`ls -la` of a directory in the
 * pod's file tree, stdin, and a failing command's exit code) against Running pods whose logs and files the test
 * writes through the server's LogStore and PodFiles, as the sandbox kubelet would.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { createRunningPod } from './builtin-objects.ts';
import { ChildLines } from '../support/child-lines.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';

const cluster = new ConformanceCluster();
const children = new Set<ChildLines>();

before(() => cluster.start());
after(async () => {
  await Promise.all([...children].map((c) => c.stop()));
  await cluster.stop();
});

/** RFC 3339 with nine fraction digits, as the kubelet prefixes lines with `timestamps=true`. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

for (const client of KUBECTL_CLIENTS) {
  describe(`logs and exec with ${client.title}`, () => {
    const ns = `${client.id}-pods`;
    let kubectl: KubectlRunner;
    let shell: KubeObject;
    const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

    before(async () => {
      kubectl = await cluster.kubectl(client);
      const kube = cluster.api.kube;
      kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (const name of ['logger-a', 'logger-b']) {
        createRunningPod(kube, ns, name, { labels: { app: 'logger' } });
        for (const text of lines(12, name)) cluster.logs.append({ namespace: ns, name }, 'app', text);
      }
      createRunningPod(kube, ns, 'follower');
      shell = createRunningPod(kube, ns, 'shell');
      const files = cluster.files;
      await files.ensure(shell);
      const data = files.resolve(shell, '/data');
      await mkdir(data, { recursive: true });
      await writeFile(path.join(data, 'README.md'), 'phi-4-mini\n');
      await writeFile(path.join(data, 'model.bin'), Buffer.alloc(4096, 1));
      for (const file of ['README.md', 'model.bin']) await chmod(path.join(data, file), 0o644);
    });

    it('prints a pod log, its tail, and timestamps', async () => {
      const [all, tail, stamped] = await Promise.all([
        kubectl.ok(['logs', 'logger-a', '-n', ns]),
        kubectl.ok(['logs', 'logger-a', '-n', ns, '--tail=2']),
        kubectl.ok(['logs', 'pod/logger-a', '-n', ns, '-c', 'app', '--timestamps', '--tail=3']),
      ]);
      assert.equal(all, `${lines(12, 'logger-a').join('\n')}\n`);
      assert.equal(tail, 'logger-a 11\nlogger-a 12\n');
      const stampedLines = stamped.trimEnd().split('\n');
      assert.equal(stampedLines.length, 3);
      for (const [i, line] of stampedLines.entries()) {
        assert.match(line, TIMESTAMP);
        assert.equal(line.replace(TIMESTAMP, ''), `logger-a ${10 + i}`);
      }
    });

    it('prints the logs of every pod selected by -l (10 lines each by default) with --prefix', async () => {
      const out = await kubectl.ok(['logs', '-l', 'app=logger', '-n', ns, '--prefix']);
      const got = out.trimEnd().split('\n').sort();
      const expected = ['logger-a', 'logger-b']
        .flatMap((pod) =>
          lines(12, pod)
            .slice(-10)
            .map((text) => `[pod/${pod}/app] ${text}`),
        )
        .sort();
      assert.deepEqual(got, expected);
    });

    it('follows a log with -f: lines appended after the start arrive, and kubectl exits when the container stops', async () => {
      const pod = { namespace: ns, name: 'follower' };
      cluster.logs.append(pod, 'app', 'booting');
      const follow = new ChildLines(kubectl.spawn(['logs', '-f', 'follower', '-n', ns]));
      children.add(follow);
      await follow.line(/^booting$/, 'the line written before kubectl started');
      cluster.logs.append(pod, 'app', 'model loaded');
      await follow.line(/^model loaded$/, 'a line appended while following');
      cluster.logs.append(pod, 'app', 'serving on :5273');
      await follow.line(/^serving on :5273$/, 'the next appended line');
      cluster.logs.end(pod, 'app');
      const exit = await follow.exited;
      assert.equal(exit.code, 0, follow.stderr);
      assert.deepEqual(follow.lines, ['booting', 'model loaded', 'serving on :5273']);
    });

    it('answers --previous for a container that never restarted with the kubelet error', async () => {
      const result = await kubectl.run(['logs', 'logger-a', '-n', ns, '--previous']);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^Error from server \(BadRequest\): previous terminated container "app" in pod "logger-a" not found$/m,
      );
    });

    it('execs ls -la in the pod file tree', async () => {
      const out = await kubectl.ok(['exec', 'shell', '-n', ns, '--', 'ls', '-la', '/data']);
      const rows = out.trimEnd().split('\n');
      assert.match(rows[0], /^total \d+$/);
      assert.match(out, /^drwx\S*\s+\d+\s+\S+\s+\S+\s+\d+\s+\w{3}\s+\d+\s+[\d:]+\s+\.$/m);
      assert.match(out, /^-rw-r--r--\s+1\s+\S+\s+\S+\s+11\s+\w{3}\s+\d+\s+[\d:]+\s+README\.md$/m);
      assert.match(out, /^-rw-r--r--\s+1\s+\S+\s+\S+\s+4096\s+\w{3}\s+\d+\s+[\d:]+\s+model\.bin$/m);
      assert.equal(
        await kubectl.ok(['exec', 'shell', '-n', ns, '-c', 'app', '--', 'cat', '/data/README.md']),
        'phi-4-mini\n',
      );
    });

    it('passes stdin with exec -i', async () => {
      assert.equal(
        await kubectl.ok(['exec', '-i', 'shell', '-n', ns, '--', 'cat'], { input: 'from stdin\n' }),
        'from stdin\n',
      );
    });

    it('reports a failing command with its exit code', async () => {
      const missing = await kubectl.run(['exec', 'shell', '-n', ns, '--', 'ls', '-la', '/nope']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /ls: cannot access '\/nope': No such file or directory/);
      assert.match(missing.stderr, /^command terminated with exit code 2$/m);
      const shellExit = await kubectl.run(['exec', 'shell', '-n', ns, '--', 'sh', '-c', 'echo partial; exit 3']);
      assert.equal(shellExit.code, 3);
      assert.equal(shellExit.stdout, 'partial\n');
      assert.match(shellExit.stderr, /^command terminated with exit code 3$/m);
    });

    it('refuses exec into a container that does not exist, and of an executable that does not exist', async () => {
      const [container, executable] = await Promise.all([
        kubectl.run(['exec', 'shell', '-n', ns, '-c', 'nope', '--', 'ls']),
        kubectl.run(['exec', 'shell', '-n', ns, '--', 'nosuchcmd']),
      ]);
      assert.equal(container.code, 1);
      assert.match(container.stderr, /^Error from server \(BadRequest\): container nope is not valid for pod shell$/m);
      assert.equal(executable.code, 1);
      assert.match(
        executable.stderr,
        /OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in \$PATH: unknown$/m,
      );
    });
  });
}
