import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderGoTemplate } from './go-template.ts';

it('renders fields, variables, range over maps and arrays, and trims whitespace', () => {
  const objects = new Map<object, unknown[]>([
    [{ Kind: 'HelmRelease', Name: 'foundry' }, [{ OldValue: 'v0.1.0', NewValue: 'v0.2.0' }]],
  ]);
  const data = {
    AutomationObject: 'flux-system/auto',
    Changed: {
      FileChanges: new Map([
        ['b.yaml', 1],
        ['a.yaml', 2],
      ]),
      Objects: objects,
    },
    Values: { env: 'prod' },
  };
  const tpl = `Automated image update

Automation name: {{ .AutomationObject }} ({{ .Values.env }})

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Objects:
{{ range $resource, $changes := .Changed.Objects -}}
- {{ $resource.Kind }} {{ $resource.Name }}
  Changes:
{{- range $_, $change := $changes }}
    - {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}
{{ end -}}`;
  assert.equal(
    renderGoTemplate(tpl, data),
    'Automated image update\n\nAutomation name: flux-system/auto (prod)\n\nFiles:\n- a.yaml\n- b.yaml\nObjects:\n- HelmRelease foundry\n  Changes:\n    - v0.1.0 -> v0.2.0\n',
  );
});

it('supports if/else, print and reports unknown functions', () => {
  assert.equal(renderGoTemplate('{{ if .A }}yes{{ else }}no{{ end }}', { A: '' }), 'no');
  assert.equal(renderGoTemplate('{{ println "a" .B }}', { B: 2 }), 'a 2\n');
  assert.throws(() => renderGoTemplate('{{ upper .A }}', {}), /function "upper" not defined/);
  assert.throws(() => renderGoTemplate('{{ range .A }}x', {}), /missing \{\{end\}\}/);
});
