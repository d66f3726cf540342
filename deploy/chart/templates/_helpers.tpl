{{/* The release's base name: the release name, or <release>-palisade when it does not say palisade. */}}
{{- define "palisade.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 53 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 53 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Every object's name. */}}
{{- define "palisade.name" -}}
{{- printf "%s-admission" (include "palisade.fullname" .) -}}
{{- end -}}

{{- define "palisade.serviceAccountName" -}}
{{- default (include "palisade.name" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "palisade.tlsSecretName" -}}
{{- printf "%s-tls" (include "palisade.name" .) -}}
{{- end -}}

{{- define "palisade.selectorLabels" -}}
app.kubernetes.io/name: palisade
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: admission-webhook
{{- end -}}

{{- define "palisade.labels" -}}
{{ include "palisade.selectorLabels" . }}
app.kubernetes.io/part-of: palisade
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The admission section's default mode, checked: it decides which webhook fails closed. */}}
{{- define "palisade.defaultMode" -}}
{{- $mode := ((.Values.config).admission).mode | default "" -}}
{{- if not (has $mode (list "enforce" "warn" "audit")) -}}
{{- fail (printf "config.admission.mode must be enforce, warn or audit, not %q" $mode) -}}
{{- end -}}
{{- $mode -}}
{{- end -}}

{{/* Namespaces never reviewed: kube-system, the release namespace, and those configured. */}}
{{- define "palisade.excludedNamespaces" -}}
{{- concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq | toJson -}}
{{- end -}}

{{- define "palisade.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "palisade.watchName" -}}
{{- printf "%s-watch" (include "palisade.fullname" .) -}}
{{- end -}}

{{- define "palisade.watchSelectorLabels" -}}
app.kubernetes.io/name: palisade
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: watch
{{- end -}}

{{- define "palisade.watchLabels" -}}
{{ include "palisade.watchSelectorLabels" . }}
app.kubernetes.io/part-of: palisade
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
