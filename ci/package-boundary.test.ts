/**
 * The line between the two packages: the suite (everything outside sandbox/) reaches the sandbox only through the
 * gitops-sandbox package — its CLI and JSON, or, for unit tests, acceptance tests and scripts that start one of its
 * servers, the package's `exports` — never through a path into sandbox/. The plan's own code (specs, fixtures,
 * helpers, targets, reporters, lib) imports nothing of it at all, so it runs unchanged against a real cluster.
 * Imports are read with TypeScript's own pre-processor (static, dynamic and re-exports), not with a regex.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const SUITE = ['tests', 'fixtures', 'helpers', 'lib', 'targets', 'reporters', 'scripts', 'ci'];
/** Where even the package name is out of bounds: the code a plan run executes. */
const PLAN_CODE =
  /^(tests\/[^/]+\.ts|(fixtures|helpers|lib|targets|reporters)\/.*(?<!\.test)\.ts|playwright\.config\.ts)$/;

/** Module specifiers of one file. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** One line per import that crosses the line wrongly; `file` is relative to the repository root. */
export function boundaryProblems(file: string, source: string): string[] {
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    const target = spec.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
      : undefined;
    if (target !== undefined && (target === 'sandbox' || target.startsWith('sandbox/'))) {
      problems.push(`${file}: imports ${spec} (inside sandbox/); use the gitops-sandbox package's exports or its CLI`);
    } else if (PLAN_CODE.test(file) && (spec === 'gitops-sandbox' || spec.startsWith('gitops-sandbox/'))) {
      problems.push(`${file}: imports ${spec}; the plan's code talks to the sandbox only through its CLI and JSON`);
    }
  }
  return problems;
}

describe('package boundary', () => {
  it('reads static, dynamic and re-exported imports', () => {
    const source = `import a from '../sandbox/a.ts';\nexport { b } from './b.ts';\nconst c = await import('gitops-sandbox/registry');\n`;
    assert.deepEqual(importsOf(source), ['../sandbox/a.ts', './b.ts', 'gitops-sandbox/registry']);
  });

  it('flags paths into sandbox/ anywhere and the package name in the plan code only', () => {
    assert.deepEqual(
      boundaryProblems('lib/oci/client.test.ts', `import { Registry } from '../../sandbox/registry/server.ts';`),
      [
        "lib/oci/client.test.ts: imports ../../sandbox/registry/server.ts (inside sandbox/); use the gitops-sandbox package's exports or its CLI",
      ],
    );
    assert.deepEqual(
      boundaryProblems('lib/oci/client.test.ts', `import { Registry } from 'gitops-sandbox/registry';`),
      [],
    );
    assert.deepEqual(boundaryProblems('fixtures/k8s.ts', `import { ApiServer } from 'gitops-sandbox/apiserver';`), [
      "fixtures/k8s.ts: imports gitops-sandbox/apiserver; the plan's code talks to the sandbox only through its CLI and JSON",
    ]);
    assert.deepEqual(boundaryProblems('tests/01-initial-deploy.spec.ts', `import '../sandbox/cli.ts';`).length, 1);
    assert.deepEqual(boundaryProblems('helpers/sandboxed.ts', `import { x } from './sandbox-words.ts';`), []);
  });

  it('holds for every file of the suite', () => {
    const files = [...SUITE.flatMap((dir) => globSync(`${dir}/**/*.{ts,mjs}`, { cwd: root })), 'playwright.config.ts'];
    assert.ok(files.length > 100, `only ${files.length} suite files found under ${root}`);
    const problems = files.flatMap((file) =>
      boundaryProblems(file.split(path.sep).join('/'), readFileSync(path.join(root, file), 'utf8')),
    );
    assert.deepEqual(problems, []);
  });
});
