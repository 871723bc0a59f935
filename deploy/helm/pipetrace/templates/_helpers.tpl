{{/* Shared pieces of the templates. Kept to plain value lookups, include,
toYaml/nindent, quote, default and if/else so that
tests/deploy/lib/chart_renderer.mjs can render them without helm. */}}

{{- define "pipetrace.namespace" -}}
{{ .Values.namespace | default .Release.Namespace }}
{{- end }}

{{- define "pipetrace.labels" -}}
app.kubernetes.io/name: pipetrace
app.kubernetes.io/part-of: pipetrace
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "pipetrace.selectorLabels" -}}
app.kubernetes.io/name: pipetrace
app.kubernetes.io/component: server
{{- end }}
