{{/* Chart name, overridable with nameOverride. */}}
{{- define "foundry-gpu-oras.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed with the chart name unless it already contains it. */}}
{{- define "foundry-gpu-oras.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select the pods; the e2e suite finds them by app.kubernetes.io/component=foundry. */}}
{{- define "foundry-gpu-oras.selectorLabels" -}}
app.kubernetes.io/name: {{ include "foundry-gpu-oras.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: foundry
{{- end }}

{{/* Labels on every object. */}}
{{- define "foundry-gpu-oras.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "foundry-gpu-oras.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* ServiceAccount the pod runs as. */}}
{{- define "foundry-gpu-oras.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "foundry-gpu-oras.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
