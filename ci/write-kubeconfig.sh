#!/usr/bin/env bash
# CI step: writes the cluster's kubeconfig from the E2E_KUBECONFIG_DATA secret (YAML, or base64 of it) to a 0600
# file under the runner's temp dir and exports KUBECONFIG for the later steps. The content is never echoed: no
# `set -x`, no cat. `--remove` deletes the file again (run it with `if: always()`).
set -euo pipefail
tmp="${RUNNER_TEMP:-${AGENT_TEMPDIRECTORY:-/tmp}}"
file="$tmp/gitops-e2e-kubeconfig"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$file"
  exit 0
fi
if [ -z "${E2E_KUBECONFIG_DATA:-}" ]; then
  echo "write-kubeconfig: the E2E_KUBECONFIG secret is empty: add the cluster's kubeconfig (YAML or base64) as a secret" >&2
  exit 1
fi
umask 077
if printf '%s' "$E2E_KUBECONFIG_DATA" | grep -q '^apiVersion:\|^kind: Config\|^clusters:'; then
  printf '%s' "$E2E_KUBECONFIG_DATA" > "$file"
else
  printf '%s' "$E2E_KUBECONFIG_DATA" | base64 -d > "$file" 2>/dev/null || { echo "write-kubeconfig: E2E_KUBECONFIG is neither kubeconfig YAML nor base64 of it" >&2; rm -f "$file"; exit 1; }
fi
chmod 600 "$file"
if [ -n "${GITHUB_ENV:-}" ]; then
  echo "KUBECONFIG=$file" >> "$GITHUB_ENV"
elif [ -n "${TF_BUILD:-}" ]; then
  echo "##vso[task.setvariable variable=KUBECONFIG]$file"
else
  echo "KUBECONFIG=$file"
fi
echo "write-kubeconfig: kubeconfig written (mode 600)"
