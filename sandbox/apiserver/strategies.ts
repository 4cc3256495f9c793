/**
 * Per-kind behaviour of built-in kinds, like the real registries' strategies: defaulting (what the Go
 * defaulters fill in), create/update preparation (status reset, allocated values kept) and the cheap
 * validations a real server would certainly reject. One dispatch table keyed by `group/kind`.
 */
import type { KubeObject } from '../kube/types.ts';
import { defaultCrd, validateCrd } from './crds.ts';
import { labelKeyErrors, labelValueErrors } from './label-validation.ts';
import { labelSelectorFromMatch, matchLabelSelector, type LabelSelectorSpec } from './selectors.ts';

/** One field problem, as a Status cause. */
export interface Cause {
  field: string;
  message: string;
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate';
}

/** What strategies may need from the server: allocators. */
export interface StrategyContext {
  allocateClusterIp(): string;
}

/** Hooks a kind may define; every one is optional. */
export interface KindStrategy {
  /** Go defaulting: runs on every create and update body. */
  defaults?(obj: KubeObject): void;
  /** After the generic create preparation (uid, status reset): allocate, set initial status. */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Keeps allocated or immutable values the client may omit on update. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  validate?(obj: KubeObject, old?: KubeObject): Cause[];
  /** Keeps `.status` given on create (Nodes may set all fields on create). */
  keepStatusOnCreate?: boolean;
}

const required = (field: string): Cause => ({ field, message: 'Required value', reason: 'FieldValueRequired' });
const invalidValue = (field: string, value: unknown, why: string): Cause => ({
  field,
  message: `Invalid value: ${goValue(value)}: ${why}`,
  reason: 'FieldValueInvalid',
});

/** Go `%#v`-ish rendering of a value for messages. */
function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${goValue(v)}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value);
}

function setDefault(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function imagePullPolicy(image: string): string {
  const lastPart = image.split('/').pop() ?? image;
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.lastIndexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Record<string, unknown>): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string') setDefault(c, 'imagePullPolicy', imagePullPolicy(c.image));
  setDefault(c, 'resources', {});
  for (const p of (c.ports as Array<Record<string, unknown>> | undefined) ?? []) setDefault(p, 'protocol', 'TCP');
}

const VOLUME_MODE_DEFAULTS: Record<string, (v: Record<string, unknown>) => void> = {
  configMap: (v) => setDefault(v, 'defaultMode', 420),
  secret: (v) => setDefault(v, 'defaultMode', 420),
  projected: (v) => setDefault(v, 'defaultMode', 420),
  downwardAPI: (v) => setDefault(v, 'defaultMode', 420),
};

/** The pod spec defaults shared by Pods and every pod template. */
function defaultPodSpec(spec: Record<string, unknown> | undefined): void {
  if (!spec) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) {
    for (const c of (spec[list] as Array<Record<string, unknown>> | undefined) ?? []) defaultContainer(c);
  }
  for (const v of (spec.volumes as Array<Record<string, unknown>> | undefined) ?? []) {
    for (const [source, fill] of Object.entries(VOLUME_MODE_DEFAULTS)) {
      const inner = v[source] as Record<string, unknown> | undefined;
      if (inner && typeof inner === 'object') fill(inner);
    }
  }
}

function podTemplateOf(obj: KubeObject): Record<string, unknown> | undefined {
  return obj.spec?.template?.spec;
}

function validatePodSpec(spec: Record<string, unknown> | undefined, path: string): Cause[] {
  const containers = spec?.containers as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  const causes: Cause[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    if (!c?.name) causes.push(required(`${path}.containers[${i}].name`));
    else if (names.has(String(c.name)))
      causes.push({
        field: `${path}.containers[${i}].name`,
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
        reason: 'FieldValueDuplicate',
      });
    else names.add(String(c.name));
    if (!c?.image) causes.push(required(`${path}.containers[${i}].image`));
  });
  return causes;
}

/** Workload controllers: selector required, must match the template labels, immutable in apps/v1. */
function validateSelectorTemplate(obj: KubeObject, old?: KubeObject, templatePath = 'spec.template'): Cause[] {
  const selector = obj.spec?.selector as LabelSelectorSpec | undefined;
  const template = templatePath === 'spec.template' ? obj.spec?.template : undefined;
  const causes: Cause[] = [];
  if (!selector) causes.push(required('spec.selector'));
  else if (Object.keys(selector).length === 0 || (!selector.matchLabels && !selector.matchExpressions?.length)) {
    causes.push(invalidValue('spec.selector', selector, 'empty selector is invalid for deployment'));
  } else {
    try {
      const sel = labelSelectorFromMatch(selector);
      const labels = template?.metadata?.labels as Record<string, string> | undefined;
      if (!matchLabelSelector(sel, labels)) {
        causes.push(
          invalidValue(`${templatePath}.metadata.labels`, labels ?? {}, '`selector` does not match template `labels`'),
        );
      }
    } catch (err) {
      causes.push(invalidValue('spec.selector', selector, (err as Error).message));
    }
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(selector)) {
    causes.push({
      field: 'spec.selector',
      message: `Invalid value: ${JSON.stringify(selector)}: field is immutable`,
      reason: 'FieldValueInvalid',
    });
  }
  causes.push(...validatePodSpec(template?.spec, `${templatePath}.spec`));
  return causes;
}

/** Pod QoS class from requests and limits, as the kubelet's qos package computes it. */
function qosClass(spec: Record<string, unknown> | undefined): string {
  const containers =
    (spec?.containers as Array<{
      resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    }>) ?? [];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r] || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultWorkload(extra: (spec: Record<string, unknown>) => void): (obj: KubeObject) => void {
  return (obj) => {
    if (!obj.spec) return;
    extra(obj.spec);
    defaultPodSpec(podTemplateOf(obj));
  };
}

function immutableData(obj: KubeObject, old?: KubeObject): Cause[] {
  if (!old || old.immutable !== true) return [];
  const causes: Cause[] = [];
  for (const field of ['data', 'binaryData']) {
    if (JSON.stringify(obj[field] ?? {}) !== JSON.stringify(old[field] ?? {})) {
      causes.push({
        field,
        message: 'Forbidden: field is immutable when `immutable` is set',
        reason: 'FieldValueForbidden',
      });
    }
  }
  if (obj.immutable !== true) {
    causes.push({
      field: 'immutable',
      message: 'Forbidden: field is immutable when `immutable` is set',
      reason: 'FieldValueForbidden',
    });
  }
  return causes;
}

/** Per-kind strategies for built-in kinds, keyed `group/kind`. */
export const STRATEGIES: Readonly<Record<string, KindStrategy>> = {
  '/Pod': {
    defaults: (obj) => {
      defaultPodSpec(obj.spec);
      if (obj.spec) {
        setDefault(obj.spec, 'enableServiceLinks', true);
        setDefault(obj.spec, 'preemptionPolicy', 'PreemptLowerPriority');
        setDefault(obj.spec, 'priority', 0);
      }
    },
    prepareForCreate: (obj) => {
      if (obj.spec) {
        // The ServiceAccount admission plugin and DefaultTolerationSeconds fill these on pods only.
        setDefault(obj.spec, 'serviceAccountName', 'default');
        setDefault(obj.spec, 'serviceAccount', obj.spec.serviceAccountName);
        const tolerations = (obj.spec.tolerations ??= []) as Array<Record<string, unknown>>;
        for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
          if (!tolerations.some((t) => t.key === key))
            tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
        }
      }
      obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
    },
    validate: (obj) => validatePodSpec(obj.spec, 'spec'),
  },
  '/Namespace': {
    defaults: (obj) => {
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    },
    prepareForCreate: (obj) => {
      // The namespace strategy always starts with the `kubernetes` finalizer, whatever the client sent.
      obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    },
  },
  '/Node': { keepStatusOnCreate: true },
  '/Service': {
    defaults: (obj) => {
      const spec = (obj.spec ??= {});
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      for (const p of (spec.ports as Array<Record<string, unknown>> | undefined) ?? []) {
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p.port);
      }
    },
    prepareForCreate: (obj, ctx) => {
      const spec = obj.spec;
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !spec.clusterIP)
        spec.clusterIP = ctx.allocateClusterIp();
      if (spec.clusterIP) {
        spec.clusterIPs ??= [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
      obj.status = { loadBalancer: {} };
    },
    prepareForUpdate: (obj, old) => {
      for (const key of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
        if (obj.spec && obj.spec[key] === undefined && old.spec?.[key] !== undefined) obj.spec[key] = old.spec[key];
      }
    },
    validate: (obj) => {
      const spec = obj.spec ?? {};
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !(spec.ports?.length > 0))
        return [required('spec.ports')];
      return [];
    },
  },
  '/Secret': {
    defaults: (obj) => {
      setDefault(obj, 'type', 'Opaque');
      const stringData = obj.stringData as Record<string, string> | undefined;
      if (stringData) {
        const data = ((obj.data as Record<string, string> | undefined) ??= {});
        for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        obj.data = data;
        delete obj.stringData;
      }
    },
    validate: (obj, old) => immutableData(obj, old),
  },
  '/ConfigMap': { validate: (obj, old) => immutableData(obj, old) },
  '/PersistentVolumeClaim': {
    defaults: (obj) => {
      if (obj.spec) setDefault(obj.spec, 'volumeMode', 'Filesystem');
    },
    prepareForCreate: (obj) => {
      obj.status = { phase: 'Pending' };
    },
  },
  '/PersistentVolume': {
    defaults: (obj) => {
      if (!obj.spec) return;
      setDefault(obj.spec, 'persistentVolumeReclaimPolicy', 'Retain');
      setDefault(obj.spec, 'volumeMode', 'Filesystem');
    },
    prepareForCreate: (obj) => {
      obj.status = { phase: 'Pending' };
    },
  },
  'apps/Deployment': {
    defaults: defaultWorkload((spec) => {
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', { type: 'RollingUpdate' });
      const strategy = spec.strategy as Record<string, unknown>;
      if (strategy.type === 'RollingUpdate') {
        const ru = ((strategy.rollingUpdate as Record<string, unknown> | undefined) ??= {});
        strategy.rollingUpdate = ru;
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
    }),
    validate: (obj, old) => validateSelectorTemplate(obj, old),
  },
  'apps/ReplicaSet': {
    defaults: defaultWorkload((spec) => setDefault(spec, 'replicas', 1)),
    validate: (obj, old) => validateSelectorTemplate(obj, old),
  },
  'apps/StatefulSet': {
    defaults: defaultWorkload((spec) => {
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    }),
    validate: (obj, old) => validateSelectorTemplate(obj, old),
  },
  'apps/DaemonSet': {
    defaults: defaultWorkload((spec) => {
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
    }),
    validate: (obj, old) => validateSelectorTemplate(obj, old),
  },
  'batch/Job': {
    defaults: defaultWorkload((spec) => {
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'backoffLimit', 6);
      setDefault(spec, 'completionMode', 'NonIndexed');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
    }),
    prepareForCreate: (obj) => {
      // The job controller's generated selector: the Job's own uid.
      if (obj.spec?.manualSelector) return;
      const uid = obj.metadata.uid!;
      const extra = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': obj.metadata.name,
        'controller-uid': uid,
        'job-name': obj.metadata.name,
      };
      obj.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      const template = (obj.spec.template ??= {});
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), ...extra } };
    },
    prepareForUpdate: (obj, old) => {
      if (obj.spec && !obj.spec.selector && old.spec?.selector) obj.spec.selector = old.spec.selector;
    },
    validate: (obj) => {
      const causes = validatePodSpec(obj.spec?.template?.spec, 'spec.template.spec');
      const policy = obj.spec?.template?.spec?.restartPolicy;
      if (policy !== 'Never' && policy !== 'OnFailure') {
        causes.push({
          field: 'spec.template.spec.restartPolicy',
          message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "OnFailure", "Never"`,
          reason: 'FieldValueNotSupported',
        });
      }
      return causes;
    },
  },
  'batch/CronJob': {
    defaults: (obj) => {
      if (!obj.spec) return;
      setDefault(obj.spec, 'concurrencyPolicy', 'Allow');
      setDefault(obj.spec, 'suspend', false);
      setDefault(obj.spec, 'successfulJobsHistoryLimit', 3);
      setDefault(obj.spec, 'failedJobsHistoryLimit', 1);
      defaultPodSpec(obj.spec.jobTemplate?.spec?.template?.spec);
    },
    validate: (obj) => (obj.spec?.schedule ? [] : [required('spec.schedule')]),
  },
  'apiextensions.k8s.io/CustomResourceDefinition': { defaults: defaultCrd, validate: (obj) => validateCrd(obj) },
  'scheduling.k8s.io/PriorityClass': {
    defaults: (obj) => setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority'),
  },
  'storage.k8s.io/StorageClass': {
    defaults: (obj) => {
      setDefault(obj, 'reclaimPolicy', 'Delete');
      setDefault(obj, 'volumeBindingMode', 'Immediate');
    },
  },
};

/** Name rules per kind: which validator `metadata.name` must satisfy. */
const NAME_RULES: Record<string, 'label' | 'dns1035'> = { '/Namespace': 'label', '/Service': 'dns1035' };

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const NAME_CHECKS: Record<'subdomain' | 'label' | 'dns1035' | 'path', (name: string) => string | undefined> = {
  subdomain: (n) =>
    n.length > 253
      ? 'must be no more than 253 characters'
      : DNS1123_SUBDOMAIN.test(n)
        ? undefined
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  label: (n) =>
    n.length > 63
      ? 'must be no more than 63 characters'
      : DNS1123_LABEL.test(n)
        ? undefined
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035: (n) =>
    n.length > 63
      ? 'must be no more than 63 characters'
      : DNS1035_LABEL.test(n)
        ? undefined
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  path: (n) =>
    n === '.' || n === '..'
      ? `may not be '${n}'`
      : /[/%]/.test(n)
        ? `may not contain '${n.includes('/') ? '/' : '%'}'`
        : undefined,
};

/** RBAC objects and a few others allow any path-segment name; most kinds need a DNS subdomain. */
function nameRule(group: string, kind: string): keyof typeof NAME_CHECKS {
  if (group === 'rbac.authorization.k8s.io') return 'path';
  return NAME_RULES[`${group}/${kind}`] ?? 'subdomain';
}

/** Generic metadata validation (name format, labels, annotations keys) for every kind. */
export function validateMetadata(obj: KubeObject, group: string, kind: string, namespaced: boolean): Cause[] {
  const causes: Cause[] = [];
  const { name, labels, annotations, namespace } = obj.metadata;
  const why = NAME_CHECKS[nameRule(group, kind)](name);
  if (why) causes.push(invalidValue('metadata.name', name, why));
  if (namespaced && !namespace) causes.push(required('metadata.namespace'));
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const e of labelKeyErrors(k)) causes.push(invalidValue('metadata.labels', k, e));
    if (typeof v !== 'string') causes.push(invalidValue(`metadata.labels`, v, 'label values must be strings'));
    else for (const e of labelValueErrors(v)) causes.push(invalidValue('metadata.labels', v, e));
  }
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const e of labelKeyErrors(k.toLowerCase())) causes.push(invalidValue('metadata.annotations', k, e));
    if (typeof v !== 'string')
      causes.push(invalidValue('metadata.annotations', v, 'annotation values must be strings'));
  }
  return causes;
}
