import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  const run = async (
    argv: string[],
    options: { stdin?: string; env?: Record<string, string> } = {},
  ): Promise<Result> => {
    let stdout = '';
    let stderr = '';
    const stdin =
      options.stdin === undefined
        ? undefined
        : (async function* () {
            yield Buffer.from(options.stdin as string);
          })();
    const code = await runCommand(argv, {
      files,
      pod,
      env: options.env ?? {
        PATH: '/usr/bin:/bin',
        HOME: '/home/foundry',
        MODEL: 'phi-4-mini',
        GREETING: 'hello  world',
      },
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
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('ls', () => {
    it('prints -la like GNU coreutils: total, mode, links, foundry owner, right-aligned sizes, dates, names', async () => {
      const result = await run(['ls', '-la', '/models/phi']);
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n');
      const blocks = ['.', '..', 'config.json', 'model.onnx', 'notes.txt'].reduce(
        (sum, name) => sum + lstatSync(path.join(root, 'models/phi', name)).blocks,
        0,
      );
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
      assert.match(
        link.stdout,
        /^lrwxrwxrwx 1 foundry foundry 11 \w{3} [ \d]\d \d\d:\d\d \/tmp\/passwd-link -> \/etc\/passwd\n$/,
      );
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
      assert.deepEqual(await run(['ls', '-lz']), {
        code: 2,
        stdout: '',
        stderr: "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n",
      });
    });

    it('formats sizes and dates like coreutils', () => {
      assert.deepEqual([0, 1023, 1024, 1536, 5000, 10240, 10241, 1048576, 1610612736].map(humanSize), [
        '0',
        '1023',
        '1.0K',
        '1.5K',
        '4.9K',
        '10K',
        '11K',
        '1.0M',
        '1.5G',
      ]);
      const now = new Date('2026-11-26T08:30:00Z');
      assert.equal(lsDate(new Date('2026-11-06T07:05:00Z'), now), 'Nov  6 07:05');
      assert.equal(lsDate(new Date('2026-01-06T07:05:00Z'), now), 'Jan  6  2026');
      assert.equal(lsDate(new Date('2026-12-06T07:05:00Z'), now), 'Dec  6  2026');
    });
  });

  describe('cat and echo', () => {
    it('cat reads files and stdin, and words a missing file or a directory like coreutils', async () => {
      assert.equal((await run(['cat', '/models/phi/config.json'])).stdout, '{"name":"phi"}\n');
      assert.equal((await run(['cat'], { stdin: 'from stdin\n' })).stdout, 'from stdin\n');
      assert.equal(
        (await run(['cat', '/models/phi/config.json', '-'], { stdin: 'and more\n' })).stdout,
        '{"name":"phi"}\nand more\n',
      );
      assert.deepEqual(await run(['cat', '/models/none']), {
        code: 1,
        stdout: '',
        stderr: 'cat: /models/none: No such file or directory\n',
      });
      assert.deepEqual(await run(['cat', '/models']), {
        code: 1,
        stdout: '',
        stderr: 'cat: /models: Is a directory\n',
      });
    });

    it('echo joins its operands, -n leaves out the newline; true and false answer 0 and 1', async () => {
      assert.equal((await run(['echo', 'a', 'b'])).stdout, 'a b\n');
      assert.equal((await run(['/bin/echo', '-n', 'x'])).stdout, 'x');
      assert.equal((await run(['true'])).code, 0);
      assert.equal((await run(['false'])).code, 1);
    });
  });

  describe('sh -c', () => {
    it('runs lists with ; && || and newlines, and reports the last status', async () => {
      assert.deepEqual(await sh('echo one; false && echo no || echo fallback; true'), {
        code: 0,
        stdout: 'one\nfallback\n',
        stderr: '',
      });
      assert.equal((await sh('true; false')).code, 1);
      assert.equal((await sh('exit 7; echo never')).code, 7);
      assert.equal((await sh('false\nexit')).code, 1);
      assert.deepEqual(await sh('false; echo "status=$?" # a comment'), { code: 0, stdout: 'status=1\n', stderr: '' });
      assert.equal((await run(['sh', '-c', 'echo $0 $1 "$2"', 'name', 'a', 'b  c'])).stdout, 'name a b  c\n');
    });

    it('stops at the first failure under -e, but not at a condition; takes -l as bash -lc', async () => {
      assert.deepEqual(await run(['sh', '-ec', 'false || true; false && echo no; echo ok; false; echo never']), {
        code: 1,
        stdout: 'ok\n',
        stderr: '',
      });
      assert.deepEqual(await run(['bash', '-l', '-c', 'echo $0', 'me']), { code: 0, stdout: 'me\n', stderr: '' });
      assert.equal((await run(['sh', '-x', '-c', 'true'])).code, 2);
    });

    it('expands quoting and parameters; unquoted values split on blanks', async () => {
      const script = `echo 'a  b' "$GREETING" $GREETING \\$MODEL "\${MODEL}-x" "$NOPE"-empty "q\\"uote"`;
      assert.equal((await sh(script)).stdout, 'a  b hello  world hello world $MODEL phi-4-mini-x -empty q"uote\n');
    });

    it('redirects between stdout and stderr, and to /dev/null', async () => {
      assert.deepEqual(await sh('echo out; echo err >&2; ls /nope 2>&1; ls /nope 2>/dev/null || echo quiet'), {
        code: 0,
        stdout: "out\nls: cannot access '/nope': No such file or directory\nquiet\n",
        stderr: 'err\n',
      });
    });

    it("answers 127 with dash's message for unknown commands, and bash's for bash", async () => {
      assert.deepEqual(await sh('echo before; nvidia-smi -L'), {
        code: 127,
        stdout: 'before\n',
        stderr: 'sh: 1: nvidia-smi: not found\n',
      });
      assert.equal((await sh('echo a\nnosuch')).stderr, 'sh: 2: nosuch: not found\n');
      assert.deepEqual(await run(['bash', '-c', 'nosuch']), {
        code: 127,
        stdout: '',
        stderr: 'bash: line 1: nosuch: command not found\n',
      });
    });

    it('answers one line and exit 2 for what it does not run, before running any of the script', async () => {
      const refused = async (script: string, what: string) =>
        assert.deepEqual(
          await sh(`echo first; ${script}`),
          {
            code: 2,
            stdout: '',
            stderr: `sh: 1: ${what} is not supported by the sandbox's shell (it runs commands joined by ; && ||)\n`,
          },
          script,
        );
      await refused('cat /models/phi/notes.txt | head -n 1', "'|'");
      await refused('echo x > /tmp/file', "'> FILE'");
      await refused('echo "$(hostname)"', "'$('");
      await refused('if true; then echo x; fi', "'if'");
      await refused('i=0', 'variable assignments');
      await refused('sleep 1 &', "'&'");
      assert.deepEqual(await sh('echo "open'), {
        code: 2,
        stdout: '',
        stderr: 'sh: 1: Syntax error: Unterminated quoted string\n',
      });
      assert.deepEqual(await sh('echo x &&'), {
        code: 2,
        stdout: '',
        stderr: 'sh: 1: Syntax error: end of file unexpected\n',
      });
      assert.deepEqual(await run(['sh'], { stdin: 'echo from-stdin\n' }), {
        code: 2,
        stdout: '',
        stderr: 'sh: the sandbox runs only `sh -c SCRIPT` (no script files, other options or stdin)\n',
      });
    });
  });

  describe('the pod boundary', () => {
    it('never reads host files: .. stops at /, symlinks resolve inside the tree', async () => {
      assert.equal((await run(['cat', '/../../../../../etc/hostname'])).stdout, 'foundry-0\n');
      assert.match(
        (await run(['cat', '/tmp/passwd-link'])).stdout,
        /^root:x:0:0:root:\/root:\/bin\/sh\nfoundry:x:1000/,
      );
      const hostFile = path.join(dir, 'host-secret');
      writeFileSync(hostFile, 'TOP-SECRET-CONTENT');
      symlinkSync(hostFile, path.join(root, 'tmp/host-link'));
      const escaped = await run(['cat', '/tmp/host-link']);
      assert.equal(escaped.code, 1);
      assert.equal(escaped.stdout, '');
      assert.equal(
        (await sh(`cat ${hostFile} ../../../../..${hostFile} 2>&1; true`)).stdout.includes('TOP-SECRET'),
        false,
      );
    });

    it("throws ExecutableNotFoundError for a directly exec'ed unknown program", async () => {
      await assert.rejects(
        run(['nvidia-smi']),
        (err: unknown) =>
          err instanceof ExecutableNotFoundError &&
          err.message === 'exec: "nvidia-smi": executable file not found in $PATH',
      );
      await assert.rejects(
        run(['/opt/app/run']),
        (err: unknown) =>
          err instanceof ExecutableNotFoundError &&
          err.message === 'exec: "/opt/app/run": stat /opt/app/run: no such file or directory',
      );
    });
  });
});
