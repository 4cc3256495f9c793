import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/types.ts';
import {
  formatLabelSelector,
  labelSelectorFromMatch,
  matchFieldSelector,
  matchLabelSelector,
  objectFields,
  parseFieldSelector,
  parseLabelSelector,
  stringifyLabelSelector,
  unsupportedFieldLabel,
} from './selectors.ts';

const matches = (selector: string, labels?: Record<string, string>) =>
  matchLabelSelector(parseLabelSelector(selector), labels);

describe('parseLabelSelector', () => {
  it('matches everything when empty or blank', () => {
    assert.equal(matches(''), true);
    assert.equal(matches('   '), true);
    assert.deepEqual(parseLabelSelector('').requirements, []);
  });

  it('parses every operator and sorts requirements by key', () => {
    const sel = parseLabelSelector('z=1, y==2,x!=3,w in (b,a),v notin (c),u,!t,s>5,r<7');
    assert.deepEqual(
      sel.requirements.map((r) => [r.key, r.operator, r.values]),
      [
        ['r', 'lt', ['7']],
        ['s', 'gt', ['5']],
        ['t', '!', []],
        ['u', 'exists', []],
        ['v', 'notin', ['c']],
        ['w', 'in', ['a', 'b']],
        ['x', '!=', ['3']],
        ['y', '==', ['2']],
        ['z', '=', ['1']],
      ],
    );
  });

  it('tolerates whitespace around tokens', () => {
    assert.equal(matches('  app = web ,  tier in ( gpu , cpu )  ', { app: 'web', tier: 'cpu' }), true);
  });

  it('treats in/notin as plain values inside value positions', () => {
    assert.equal(matches('mode in (in,notin)', { mode: 'notin' }), true);
    assert.equal(matches('mode=in', { mode: 'in' }), true);
  });

  it('accepts empty values', () => {
    assert.equal(matches('a=', { a: '' }), true);
    assert.equal(matches('a=', { a: 'x' }), false);
    assert.deepEqual(parseLabelSelector('a in ()').requirements[0].values, ['']);
    assert.deepEqual(parseLabelSelector('a in (,b)').requirements[0].values, ['', 'b']);
  });

  it('accepts prefixed keys', () => {
    assert.equal(matches('app.kubernetes.io/name=foundry', { 'app.kubernetes.io/name': 'foundry' }), true);
  });

  const errors: Array<[string, string]> = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a (b)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    [
      'a>x',
      `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)} with the server's wording`, () => {
      assert.throws(() => parseLabelSelector(input), { message });
    });
  }

  it('validates keys and values like the real server', () => {
    assert.throws(
      () => parseLabelSelector('-a=b'),
      /^Error: unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric/,
    );
    assert.throws(() => parseLabelSelector('a/b/c'), /a qualified name must consist/);
    assert.throws(() => parseLabelSelector('Foo.Com/a'), /prefix part a lowercase RFC 1123 subdomain/);
    assert.throws(
      () => parseLabelSelector(`a=${'x'.repeat(64)}`),
      /values\[0\]\[a\]: Invalid value: "x+": must be no more than 63 characters/,
    );
    assert.throws(() => parseLabelSelector('a=-b'), /a valid label must be an empty string/);
  });
});

describe('matchLabelSelector', () => {
  const labels = { app: 'web', tier: 'gpu', replicas: '3' };
  const cases: Array<[string, boolean]> = [
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['tier in (cpu,gpu)', true],
    ['tier in (cpu)', false],
    ['missing in (x)', false],
    ['tier notin (cpu)', true],
    ['tier notin (gpu)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2', true],
    ['replicas>3', false],
    ['replicas<4', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=cpu', false],
    ['app=web,tier=gpu', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${selector} → ${expected}`, () => assert.equal(matches(selector, labels), expected));
  }

  it('treats missing labels as an empty set', () => {
    assert.equal(matches('!a'), true);
    assert.equal(matches('a'), false);
  });
});

describe('labelSelectorFromMatch', () => {
  it('selects nothing for null and everything for {}', () => {
    assert.equal(matchLabelSelector(labelSelectorFromMatch(undefined), { a: 'b' }), false);
    assert.equal(matchLabelSelector(labelSelectorFromMatch(null), {}), false);
    assert.equal(matchLabelSelector(labelSelectorFromMatch({}), { a: 'b' }), true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const sel = labelSelectorFromMatch({
      matchLabels: { app: 'foundry' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['gpu', 'cpu'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'model', operator: 'Exists' },
      ],
    });
    assert.equal(matchLabelSelector(sel, { app: 'foundry', tier: 'gpu', model: 'phi' }), true);
    assert.equal(matchLabelSelector(sel, { app: 'foundry', tier: 'gpu', model: 'phi', canary: 'y' }), false);
    assert.equal(matchLabelSelector(sel, { app: 'foundry', tier: 'gpu' }), false);
    assert.equal(stringifyLabelSelector(sel), 'app=foundry,!canary,model,tier in (cpu,gpu),zone notin (b)');
  });

  it('rejects bad operators and value lists', () => {
    assert.throws(
      () => labelSelectorFromMatch({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }),
      {
        message: '"Equals" is not a valid label selector operator',
      },
    );
    assert.throws(
      () => labelSelectorFromMatch({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      /values set can't be empty/,
    );
    assert.throws(
      () => labelSelectorFromMatch({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      /must be empty/,
    );
    assert.throws(() => labelSelectorFromMatch({ matchLabels: { '-bad': 'x' } }), /name part must consist/);
  });
});

describe('formatLabelSelector / stringifyLabelSelector', () => {
  it('sorts keys', () => {
    assert.equal(formatLabelSelector({ tier: 'gpu', app: 'web' }), 'app=web,tier=gpu');
    assert.equal(formatLabelSelector({}), '');
    assert.equal(formatLabelSelector(undefined), '');
  });

  it('round-trips through the parser', () => {
    const text = 'a!=b,c in (d,e),f';
    assert.equal(stringifyLabelSelector(parseLabelSelector(text)), text);
    assert.equal(stringifyLabelSelector(parseLabelSelector(formatLabelSelector({ x: '1', a: '2' }))), 'a=2,x=1');
  });
});

const pod = (overrides: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'apps' },
  spec: {
    nodeName: 'gpu-node',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    serviceAccountName: 'default',
  },
  status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], nominatedNodeName: '' },
  ...overrides,
});

const event: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-0.abc', namespace: 'apps' },
  involvedObject: {
    kind: 'Pod',
    namespace: 'apps',
    name: 'web-0',
    uid: 'u1',
    apiVersion: 'v1',
    fieldPath: 'spec.containers{web}',
  },
  reason: 'Pulled',
  type: 'Normal',
  source: { component: 'kubelet' },
  reportingComponent: 'kubelet',
};

describe('parseFieldSelector', () => {
  it('parses =, == and != with escapes, sorting terms', () => {
    assert.deepEqual(
      parseFieldSelector('status.phase!=Running,metadata.name==a\\,b,spec.nodeName=x\\=y\\\\').requirements,
      [
        { field: 'metadata.name', operator: '==', value: 'a,b' },
        { field: 'spec.nodeName', operator: '=', value: 'x=y\\' },
        { field: 'status.phase', operator: '!=', value: 'Running' },
      ],
    );
    assert.deepEqual(parseFieldSelector('').requirements, []);
    assert.deepEqual(parseFieldSelector('a=b,,').requirements, [{ field: 'a', operator: '=', value: 'b' }]);
  });

  it('keeps whitespace significant like the real parser', () => {
    assert.deepEqual(parseFieldSelector('metadata.name = x').requirements, [
      { field: 'metadata.name ', operator: '=', value: ' x' },
    ]);
  });

  it('rejects malformed terms', () => {
    assert.throws(() => parseFieldSelector('metadata.name'), {
      message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    });
    assert.throws(() => parseFieldSelector('a=b\\x'), {
      message: 'invalid field selector: invalid escape sequence: \\x',
    });
    assert.throws(() => parseFieldSelector('a=b=c'), {
      message: 'invalid field selector: unescaped character in value: 61',
    });
    assert.throws(() => parseFieldSelector('a=b\\'), {
      message: 'invalid field selector: invalid escape sequence: \\',
    });
  });
});

describe('matchFieldSelector', () => {
  const match = (selector: string, obj: KubeObject) => matchFieldSelector(parseFieldSelector(selector), obj);

  it('matches metadata fields of any kind', () => {
    assert.equal(match('metadata.name=web-0,metadata.namespace=apps', pod()), true);
    assert.equal(match('metadata.name=web-1', pod()), false);
    assert.equal(match('metadata.name!=web-1', pod()), true);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } };
    assert.equal(match('metadata.name=c', cm), true);
  });

  it('resolves pod fields', () => {
    assert.equal(match('spec.nodeName=gpu-node,status.phase=Running,status.podIP=10.0.0.5', pod()), true);
    assert.equal(match('status.phase!=Running', pod()), false);
    assert.equal(match('spec.hostNetwork=false', pod()), true);
    assert.equal(
      match('spec.restartPolicy=Always,spec.schedulerName=default-scheduler,spec.serviceAccountName=default', pod()),
      true,
    );
    assert.equal(match('status.nominatedNodeName=', pod()), true);
    assert.equal(match('status.podIP=10.0.0.9', pod({ status: { podIP: '10.0.0.9' } })), true);
  });

  it('resolves event fields', () => {
    assert.equal(
      match('involvedObject.kind=Pod,involvedObject.name=web-0,involvedObject.namespace=apps,reason=Pulled', event),
      true,
    );
    assert.equal(
      match('involvedObject.uid=u1,involvedObject.apiVersion=v1,involvedObject.fieldPath=spec.containers{web}', event),
      true,
    );
    assert.equal(match('type=Warning', event), false);
    assert.equal(match('source=kubelet,reportingComponent=kubelet', event), true);
    assert.equal(match('involvedObject.resourceVersion=', event), true);
  });

  it('resolves secret, namespace, node, replicaset and job fields', () => {
    const object = (apiVersion: string, kind: string, metadata: KubeObject['metadata'], rest: object): KubeObject => ({
      apiVersion,
      kind,
      metadata,
      ...rest,
    });
    const secret = object('v1', 'Secret', { name: 's', namespace: 'n' }, { type: 'kubernetes.io/tls' });
    assert.equal(match('type=kubernetes.io/tls', secret), true);
    const ns = object('v1', 'Namespace', { name: 'n' }, { status: { phase: 'Terminating' } });
    assert.equal(match('status.phase=Terminating', ns), true);
    const node = object('v1', 'Node', { name: 'gpu' }, { spec: { unschedulable: true } });
    assert.equal(match('spec.unschedulable=true', node), true);
    assert.equal(match('spec.unschedulable=false', { ...node, spec: {} }), true);
    const rs = object('apps/v1', 'ReplicaSet', { name: 'r', namespace: 'n' }, { status: { replicas: 2 } });
    assert.equal(match('status.replicas=2', rs), true);
    assert.equal(match('status.replicas=0', { ...rs, status: {} }), true);
    const job = object('batch/v1', 'Job', { name: 'j', namespace: 'n' }, { status: { succeeded: 1 } });
    assert.equal(match('status.successful=1', job), true);
  });

  it('exposes the selectable field set', () => {
    assert.equal(objectFields(pod())['status.podIP'], '10.0.0.5');
    assert.deepEqual(Object.keys(objectFields({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } })).sort(), [
      'metadata.name',
      'spec.unschedulable',
    ]);
  });
});

describe('unsupportedFieldLabel', () => {
  const check = (selector: string, group: string, kind: string) =>
    unsupportedFieldLabel(parseFieldSelector(selector), group, kind);

  it('accepts the fields each kind supports', () => {
    assert.equal(check('spec.nodeName=a,status.phase=Running', '', 'Pod'), undefined);
    assert.equal(check('involvedObject.name=x,reason=y', 'core', 'Event'), undefined);
    assert.equal(check('metadata.name=x,metadata.namespace=y', 'source.toolkit.fluxcd.io', 'GitRepository'), undefined);
    assert.equal(check('status.successful=1', 'batch', 'Job'), undefined);
  });

  it('words rejections like the real conversion functions', () => {
    assert.equal(check('spec.foo=x', '', 'Pod'), 'field label not supported: spec.foo');
    assert.equal(check('metadata.namespace=x', '', 'Namespace'), 'field label not supported: metadata.namespace');
    assert.equal(
      check('spec.url=x', 'source.toolkit.fluxcd.io', 'GitRepository'),
      '"spec.url" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    assert.equal(
      check('status.phase=Running', 'apps', 'Deployment'),
      '"status.phase" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    assert.equal(check('spec.x=1', 'batch', 'Job'), 'field label "spec.x" not supported for batchv1.Job');
  });
});
