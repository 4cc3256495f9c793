import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { pinnedTool } from '../../../lib/tools.ts';
import type { KubeObject } from '../../kube/types.ts';
import { applyCommonMetadata, kustomizeBuild, prepareKustomization, substitute } from './kustomize-build.ts';

describe('kustomize build (real kubectl kustomize)', () => {
  let root: string;
  let kubectl: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kbuild-'));
    kubectl = await pinnedTool('kubectl');
  });
  after(async () => rm(root, { recursive: true, force: true }));

  const write = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };

  it('generates a kustomization for a plain folder and applies targetNamespace', async () => {
    await write('plain/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    await write(
      'plain/cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  replicas: "${REPLICAS:=1}"\n  who: ${WHO}\n',
    );
    await write('plain/notes.yaml', 'just: values\n');
    await write('plain/sub/kustomization.yaml', 'resources: [svc.yaml]\n');
    await write(
      'plain/sub/svc.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports: [{port: 80}]\n',
    );
    const dir = path.join(root, 'plain');
    await prepareKustomization(dir, { targetNamespace: 'apps' });
    const generated = YAML.parse(await readFile(path.join(dir, 'kustomization.yaml'), 'utf8'));
    assert.deepEqual(generated.resources, ['cm.yaml', 'ns.yaml', 'sub']);
    let objects = await kustomizeBuild(kubectl, dir, 60_000);
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(), [
      'ConfigMap/apps/cfg',
      'Namespace//apps',
      'Service/apps/svc',
    ]);
    objects = substitute(applyCommonMetadata(objects, { labels: { team: 'gpu' } }), { WHO: 'flux' });
    const cm = objects.find((o) => o.kind === 'ConfigMap') as KubeObject;
    // kustomize drops the quotes, so (as with real Flux) the substituted value parses as a number
    assert.deepEqual(cm.data, { replicas: 1, who: 'flux' });
    assert.equal(cm.metadata.labels?.team, 'gpu');
  });

  it('reports kustomize errors', async () => {
    await write('broken/kustomization.yaml', 'resources: [missing.yaml]\n');
    await assert.rejects(kustomizeBuild(kubectl, path.join(root, 'broken'), 60_000), /missing\.yaml/);
  });

  it('leaves objects that disable substitution alone and honours $${escapes}', () => {
    const objs: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
        data: { x: '${A}' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'b' },
        data: { x: '${A}', y: '$${A}', z: '${B:-dflt}' },
      },
    ];
    const out = substitute(objs, { A: 'v' });
    assert.deepEqual(out[0]!.data, { x: '${A}' });
    assert.deepEqual(out[1]!.data, { x: 'v', y: '${A}', z: 'dflt' });
  });
});
