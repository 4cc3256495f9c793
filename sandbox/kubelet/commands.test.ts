import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { ExecutableNotFoundError, runCommand } from './commands.ts';
import { humanSize, lsDate } from './commands/file-format.ts';
import { PodFiles } from './podfs.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'foundry-0', namespace: 'ai', uid: 'u-1' },
  spec: { containers: [{ name: 'foundry', securityContext: { runAsUser: 1000 } }] },
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('runCommand', { timeout: 60_000 }, () => {
  let dir: string;
  let files: PodFiles;
  let root: string;
  const old = new Date('2025-01-05T10:07:00Z');

  const run = async (argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> => {
    let stdout = '';
    let stderr = '';
    const stdin = options.stdin === undefined ? undefined : (async function* () {
      yield Buffer.from(options.stdin as string);
    })();
    const code = await runCommand(argv, {
      files,
      pod,
      container: 'foundry',
      env: options.env ?? { PATH: '/usr/bin:/bin', HOME: '/home/foundry', MODEL: 'phi-4-mini', GREETING: 'hello  world' },
      stdin,
      stdout: (b) => void (stdout += b.toString()),
      stderr: (b) => void (stderr += b.toString()),
    });
    return { code, stdout, stderr };
  };
  const sh = (script: string, options?: { stdin?: string }) => run(['sh', '-c', script], options);

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'commands-'));
    files = new PodFiles(dir);
    root = await files.ensure(pod);
    const models = path.join(root, 'models/phi');
    mkdirSync(models, { recursive: true });
    writeFileSync(path.join(models, 'config.json'), '{"name":"phi"}\n');
    writeFileSync(path.join(models, 'model.onnx'), Buffer.alloc(5000, 1));
    writeFileSync(path.join(models, 'notes.txt'), 'alpha\nbeta\ngamma\ndelta\nepsilon\n');
    for (const f of ['config.json', 'model.onnx', 'notes.txt']) {
      chmodSync(path.join(models, f), 0o644);
      utimesSync(path.join(models, f), old, old);
    }
    symlinkSync('/etc/passwd', path.join(root, 'tmp/passwd-link'));
    writeFileSync(path.join(root, 'usr/local/bin/hello.sh'), '#!/bin/sh\necho "hello from $0 with $1"\nexit 4\n', { mode: 0o755 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('ls', () => {
    it('prints -la like GNU coreutils: total, mode, links, foundry owner, right-aligned sizes, dates, names', async () => {
      const result = await run(['ls', '-la', '/models/phi']);
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n');
      const blocks = ['.', '..', 'config.json', 'model.onnx', 'notes.txt'].reduce((sum, name) => sum + lstatSync(path.join(root, 'models/phi', name)).blocks, 0);
      assert.equal(lines[0], `total ${Math.ceil(blocks / 2)}`);
      assert.match(lines[1], /^drwx[-rwx]{6} \d foundry foundry \d+ \w{3} [ \d]\d \d\d:\d\d \.$/);
      assert.match(lines[2], /^drwx.{6} \d foundry foundry \d+ \w{3} [ \d]\d \d\d:\d\d \.\.$/);
      assert.equal(lines[3], '-rw-r--r-- 1 foundry foundry   15 Jan  5  2025 config.json');
      assert.equal(lines[4], '-rw-r--r-- 1 foundry foundry 5000 Jan  5  2025 model.onnx');
      assert.equal(lines[5], '-rw-r--r-- 1 foundry foundry   31 Jan  5  2025 notes.txt');
      assert.equal(lines.length, 7);
    });

    it('lists names one per line, headers for several operands, and shows symlinks with -l', async () => {
      const plain = await run(['ls', '/models/phi']);
      assert.equal(plain.stdout, 'config.json\nmodel.onnx\nnotes.txt\n');
      const several = await run(['ls', '-1', '/models', '/etc/hostname']);
      assert.equal(several.stdout, '/etc/hostname\n\n/models:\nphi\n');
      const link = await run(['ls', '-l', '/tmp/passwd-link']);
      assert.match(link.stdout, /^lrwxrwxrwx 1 foundry foundry 11 \w{3} [ \d]\d \d\d:\d\d \/tmp\/passwd-link -> \/etc\/passwd\n$/);
    });

    it('prints human sizes with -lh and recurses with -R', async () => {
      const human = await run(['ls', '-lh', '/models/phi']);
      assert.match(human.stdout, /^-rw-r--r-- 1 foundry foundry 4\.9K Jan {2}5 {2}2025 model\.onnx$/m);
      assert.match(human.stdout, /^total \d+(\.\d)?K$/m);
      const recursive = await run(['ls', '-R', '/models']);
      assert.equal(recursive.stdout, '/models:\nphi\n\n/models/phi:\nconfig.json\nmodel.onnx\nnotes.txt\n');
    });

    it("says 'cannot access' and exits 2 for a missing path, still listing the others", async () => {
      const result = await run(['ls', '/nope', '/models']);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, "ls: cannot access '/nope': No such file or directory\n");
      assert.equal(result.stdout, '/models:\nphi\n');
    });

    it('formats sizes and dates like coreutils', () => {
      assert.deepEqual([0, 1023, 1024, 1536, 5000, 10240, 10241, 1048576, 1610612736].map(humanSize), ['0', '1023', '1.0K', '1.5K', '4.9K', '10K', '11K', '1.0M', '1.5G']);
      const now = new Date('2026-11-26T08:30:00Z');
      assert.equal(lsDate(new Date('2026-11-06T07:05:00Z'), now), 'Nov  6 07:05');
      assert.equal(lsDate(new Date('2026-01-06T07:05:00Z'), now), 'Jan  6  2026');
      assert.equal(lsDate(new Date('2026-12-06T07:05:00Z'), now), 'Dec  6  2026');
    });
  });

  describe('file and text commands', () => {
    it('cat, head, tail and wc read files and stdin', async () => {
      assert.equal((await run(['cat', '/models/phi/config.json'])).stdout, '{"name":"phi"}\n');
      assert.equal((await run(['head', '-n', '2', '/models/phi/notes.txt'])).stdout, 'alpha\nbeta\n');
      assert.equal((await run(['tail', '-2', '/models/phi/notes.txt'])).stdout, 'delta\nepsilon\n');
      assert.equal((await run(['tail', '-n', '+4', '/models/phi/notes.txt'])).stdout, 'delta\nepsilon\n');
      assert.equal((await run(['wc', '-l', '/models/phi/notes.txt'])).stdout, '5 /models/phi/notes.txt\n');
      assert.equal((await run(['wc'], { stdin: 'one two\nthree\n' })).stdout, '      2       3      14\n');
      const missing = await run(['cat', '/models/none']);
      assert.deepEqual(missing, { code: 1, stdout: '', stderr: 'cat: /models/none: No such file or directory\n' });
    });

    it('du, find and stat describe the tree', async () => {
      assert.equal((await run(['du', '-sb', '/models/phi'])).stdout, `${15 + 5000 + 31 + lstatSync(path.join(root, 'models/phi')).size}\t/models/phi\n`);
      assert.match((await run(['du', '-sh', '/models'])).stdout, /^\d+(\.\d)?K\t\/models\n$/);
      assert.equal((await run(['find', '/models', '-name', '*.json'])).stdout, '/models/phi/config.json\n');
      assert.equal((await run(['find', '/models', '-maxdepth', '1', '-type', 'd'])).stdout, '/models\n/models/phi\n');
      assert.equal((await run(['stat', '-c', '%s %a %U %n', '/models/phi/model.onnx'])).stdout, '5000 644 foundry /models/phi/model.onnx\n');
      const full = await run(['stat', '/models/phi/notes.txt']);
      assert.match(full.stdout, /^ {2}File: \/models\/phi\/notes\.txt\n {2}Size: 31 +\tBlocks: \d+ +IO Block: \d+ +regular file\n/);
      assert.match(full.stdout, /Access: \(0644\/-rw-r--r--\) {2}Uid: \( 1000\/ foundry\)/);
    });

    it('mkdir -p, touch and rm change only the pod tree; rm refuses / and reports missing files', async () => {
      assert.equal((await run(['mkdir', '-p', '/data/a/b'])).code, 0);
      assert.equal((await run(['touch', '/data/a/b/f'])).code, 0);
      assert.ok(lstatSync(path.join(root, 'data/a/b/f')).isFile());
      assert.equal((await run(['rm', '/data/a'])).stderr, "rm: cannot remove '/data/a': Is a directory\n");
      assert.equal((await run(['rm', '-r', '/data/a'])).code, 0);
      assert.deepEqual(await run(['rm', '/data/a']), { code: 1, stdout: '', stderr: "rm: cannot remove '/data/a': No such file or directory\n" });
      assert.equal((await run(['rm', '-f', '/data/a'])).code, 0);
      const root2 = await run(['rm', '-rf', '/']);
      assert.equal(root2.code, 1);
      assert.match(root2.stderr, /dangerous to operate recursively on '\/'/);
      assert.ok(lstatSync(path.join(root, 'etc/hostname')).isFile());
      assert.equal((await run(['mkdir', '/data'])).stderr, "mkdir: cannot create directory '/data': File exists\n");
    });

    it('identity and environment commands answer from the pod', async () => {
      assert.equal((await run(['id'])).stdout, 'uid=1000(foundry) gid=1000(foundry) groups=1000(foundry)\n');
      assert.equal((await run(['whoami'])).stdout, 'foundry\n');
      assert.equal((await run(['hostname'])).stdout, 'foundry-0\n');
      assert.equal((await run(['printenv', 'MODEL'])).stdout, 'phi-4-mini\n');
      assert.equal((await run(['printenv', 'NOPE'])).code, 1);
      assert.equal((await run(['env', 'A=1', 'printenv', 'A'])).stdout, '1\n');
      assert.equal((await run(['/bin/echo', '-n', 'x'])).stdout, 'x');
      assert.match((await run(['date', '-u', '+%Y-%m-%dT%H:%M:%SZ'])).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    });
  });

  describe('sh -c', () => {
    it('runs lists with ; && || and reports the last status', async () => {
      assert.deepEqual(await sh('echo one; false && echo no || echo fallback; true'), { code: 0, stdout: 'one\nfallback\n', stderr: '' });
      assert.equal((await sh('true; false')).code, 1);
      assert.equal((await sh('exit 7; echo never')).code, 7);
      assert.deepEqual(await sh('false; echo "status=$?"'), { code: 0, stdout: 'status=1\n', stderr: '' });
    });

    it('pipes through grep, wc -l, head and sort', async () => {
      assert.equal((await sh('cat /models/phi/notes.txt | grep a | wc -l')).stdout, '4\n');
      assert.equal((await sh('cat /models/phi/notes.txt | grep -v e | sort -r')).stdout, 'gamma\nalpha\n');
      assert.equal((await sh('ls /models/phi | sort -r | head -n 1')).stdout, 'notes.txt\n');
      assert.equal((await sh('ls /models/phi | grep -c onnx')).stdout, '1\n');
      assert.equal((await sh('echo abc | grep -q x')).code, 1);
      assert.equal((await run(['grep', '-rn', 'name', '/models'])).stdout, '/models/phi/config.json:1:{"name":"phi"}\n');
      assert.equal((await run(['grep', '-E', '^(alpha|beta)$', '/models/phi/notes.txt'])).stdout, 'alpha\nbeta\n');
      assert.equal((await run(['grep', '^\\(alpha\\|gamma\\)$', '/models/phi/notes.txt'])).stdout, 'alpha\ngamma\n');
    });

    it('stops a writer when its reader has finished (no deadlock on big files)', { timeout: 10_000 }, async () => {
      writeFileSync(path.join(root, 'tmp/big'), Buffer.alloc(5 * 1024 * 1024, 'line of text\n'));
      const result = await sh('cat /tmp/big | head -n 2');
      assert.equal(result.stdout, 'line of text\nline of text\n');
      assert.equal((await sh('cat /tmp/big | true')).code, 0);
    });

    it('expands quoting, $VAR, ${VAR:-default}, $(…), $((…)), globs and tilde', async () => {
      assert.equal((await sh(`echo 'a  b' "$GREETING" $GREETING \\$MODEL "\${MODEL}-x" \${NOPE:-dflt}`)).stdout, 'a  b hello  world hello world $MODEL phi-4-mini-x dflt\n');
      assert.equal((await sh('echo "$(cat /etc/hostname) $((6 * 7))"')).stdout, 'foundry-0 42\n');
      assert.equal((await sh('echo /models/phi/*.txt /models/phi/*.none')).stdout, '/models/phi/notes.txt /models/phi/*.none\n');
      assert.equal((await sh("echo ~ '*'")).stdout, '/home/foundry *\n');
    });

    it('runs if, for, while, redirections and cd', async () => {
      const script = [
        'cd /tmp',
        'for f in a b c; do echo "$f" >> list; done',
        'if [ -f list ] && [ "$(wc -l < list)" -eq 3 ]; then echo three; else echo other; fi',
        'i=0; while [ $i -lt 2 ]; do i=$((i+1)); done; echo "i=$i"',
        'ls /nope 2>/dev/null || echo quiet',
        'ls /nope 2>&1 | head -n 1',
        'pwd',
      ].join('\n');
      const result = await sh(script);
      assert.equal(result.stdout, "three\ni=2\nquiet\nls: cannot access '/nope': No such file or directory\n/tmp\n");
      assert.equal(readFileSync(path.join(root, 'tmp/list'), 'utf8'), 'a\nb\nc\n');
    });

    it('exits at the first failure under set -e, but not in conditions', async () => {
      assert.deepEqual(await sh('set -e; if false; then :; fi; false || true; echo ok; false; echo never'), { code: 1, stdout: 'ok\n', stderr: '' });
    });

    it("answers 127 with dash's message for unknown commands, and bash's for bash", async () => {
      assert.deepEqual(await sh('echo before; nvidia-smi -L'), { code: 127, stdout: 'before\n', stderr: 'sh: 1: nvidia-smi: not found\n' });
      assert.equal((await sh('echo a\nnosuch')).stderr, 'sh: 2: nosuch: not found\n');
      assert.deepEqual(await run(['bash', '-c', 'nosuch']), { code: 127, stdout: '', stderr: 'bash: line 1: nosuch: command not found\n' });
    });

    it('reports syntax errors with exit 2', async () => {
      const result = await sh('if true; then echo x');
      assert.equal(result.code, 2);
      assert.equal(result.stderr, 'sh: 1: Syntax error: end of file unexpected (expecting "fi")\n');
    });

    it('runs a #!/bin/sh script of the tree with its arguments', async () => {
      assert.deepEqual(await run(['/usr/local/bin/hello.sh', 'you']), { code: 4, stdout: 'hello from /usr/local/bin/hello.sh with you\n', stderr: '' });
      assert.equal((await sh('/usr/local/bin/hello.sh me; echo "rc=$?"')).stdout, 'hello from /usr/local/bin/hello.sh with me\nrc=4\n');
      assert.equal((await run(['sh'], { stdin: 'echo from-stdin\n' })).stdout, 'from-stdin\n');
    });
  });

  describe('the pod boundary', () => {
    it('never reads host files: .. stops at /, symlinks resolve inside the tree', async () => {
      assert.equal((await run(['cat', '/../../../../../etc/hostname'])).stdout, 'foundry-0\n');
      assert.match((await run(['cat', '/tmp/passwd-link'])).stdout, /^root:x:0:0:root:\/root:\/bin\/sh\nfoundry:x:1000/);
      const hostFile = path.join(dir, 'host-secret');
      writeFileSync(hostFile, 'TOP-SECRET-CONTENT');
      symlinkSync(hostFile, path.join(root, 'tmp/host-link'));
      const escaped = await run(['cat', '/tmp/host-link']);
      assert.equal(escaped.code, 1);
      assert.equal(escaped.stdout, '');
      assert.equal((await sh(`cat ${hostFile} ../../../../..${hostFile} 2>&1; true`)).stdout.includes('TOP-SECRET'), false);
    });

    it('writes below the tree only', async () => {
      await sh('echo pwned > /../../../../../tmp/escape-test');
      assert.equal(readFileSync(path.join(root, 'tmp/escape-test'), 'utf8'), 'pwned\n');
    });

    it('throws ExecutableNotFoundError for a directly exec\'ed unknown program', async () => {
      await assert.rejects(run(['nvidia-smi']), (err: unknown) => err instanceof ExecutableNotFoundError && err.message === 'exec: "nvidia-smi": executable file not found in $PATH');
      await assert.rejects(run(['/opt/app/run']), (err: unknown) => err instanceof ExecutableNotFoundError && err.message === 'exec: "/opt/app/run": stat /opt/app/run: no such file or directory');
    });
  });
});
