#!/usr/bin/env bash
# Bootstraps Flux for this repository on the cluster KUBECONFIG points at: a GitRepository for this clone's
# origin, Kustomizations for ./infrastructure and ./apps, and the image scanning objects that follow the model
# artifact's tags. Needs only kubectl, git and POSIX tools; idempotent (everything goes through kubectl apply).
#
# Usage (from a clone): bash scripts/gitops-config.sh
#
# Environment (all optional):
#   GITOPS_NAMESPACE        namespace of the GitRepository and Kustomizations   (foundry-system)
#   GITOPS_FLUX_NAMESPACE   namespace of the image objects                      (flux-system)
#   GITOPS_NAME             GitRepository name, prefix of the Kustomizations    (foundry-gitops)
#   GITOPS_URL              git URL Flux fetches                                 (origin's URL, credentials removed)
#   GITOPS_BRANCH           branch Flux follows                                  (the checked-out branch, else main)
#   GITOPS_INTERVAL         GitRepository/Kustomization interval                 (3s)
#   GITOPS_IMAGE_INTERVAL   ImageRepository/ImageUpdateAutomation interval       (5s)
#   GITOPS_IMAGE_NAME       ImageRepository/ImagePolicy name                     (the artifact repository's last segment)
#   GITOPS_REGISTRY_HOST    registry host[:port] of the models artifact          (from the HelmRelease values)
#   GITOPS_REGISTRY_REPOSITORY  repository of the models artifact                (from the HelmRelease values)
#   GITOPS_SEMVER_RANGE     ImagePolicy semver range                             (>=0.1.0)
#   GITOPS_INSECURE         true to scan the registry over plain HTTP            (true for 127.0.0.1/localhost)
#   REGISTRY_USERNAME, REGISTRY_PASSWORD   registry credentials: for scanning (a docker-registry Secret) and for
#                           the foundry pod's model pull (Secret foundry-byo-credentials in GITOPS_APP_NAMESPACE)
#   GITOPS_APP_NAMESPACE    namespace of the HelmRelease's workload             (foundry-system)
#   GITOPS_REQUEUE_DEPENDENCY  set kustomize-controller --requeue-dependency to this (e.g. 1s; unset: leave it)
#   GITOPS_IMAGE_AUTOMATION=true with GIT_USERNAME and GIT_TOKEN: also let Flux commit new tags to the branch
#   KUBECTL                 kubectl command                                      (kubectl)
#   KUBECTL_APPLY_FLAGS     extra flags for every kubectl apply, e.g. --dry-run=client
set -euo pipefail

die() {
  echo "gitops-config: $*" >&2
  exit 1
}
say() {
  echo "gitops-config: $*"
}

repo_root="$(git rev-parse --show-toplevel 2>/dev/null)" || die "run me from a clone of the GitOps repository"
cd "$repo_root"

kubectl_cmd="${KUBECTL:-kubectl}"
# Word splitting is wanted here: the flags are a list.
read -r -a apply_flags <<<"${KUBECTL_APPLY_FLAGS:-}"

namespace="${GITOPS_NAMESPACE:-foundry-system}"
app_namespace="${GITOPS_APP_NAMESPACE:-foundry-system}"
flux_namespace="${GITOPS_FLUX_NAMESPACE:-flux-system}"
name="${GITOPS_NAME:-foundry-gitops}"
interval="${GITOPS_INTERVAL:-3s}"
image_interval="${GITOPS_IMAGE_INTERVAL:-5s}"
requeue_dependency="${GITOPS_REQUEUE_DEPENDENCY:-}"
semver_range="${GITOPS_SEMVER_RANGE:->=0.1.0}"
helmrelease="apps/foundry-gpu-oras/helmrelease.yaml"

# --- the git source: this clone's origin, never with credentials in it -------------------------------------
strip_credentials() {
  # https://user:token@host/x -> https://host/x ; ssh://git:pw@host/x -> ssh://git@host/x ;
  # git@host:org/x -> ssh://git@host/org/x (Flux needs a URL, not scp syntax)
  sed -E \
    -e 's#^(https?://)[^/@]*@#\1#' \
    -e 's#^(ssh://[^/:@]*):[^/@]*@#\1@#' \
    -e 's#^([^/@:]+@[^/:]+):([^/].*)$#ssh://\1/\2#'
}
if [ -n "${GITOPS_URL:-}" ]; then
  git_url="$(printf '%s\n' "$GITOPS_URL" | strip_credentials)"
else
  origin="$(git remote get-url origin 2>/dev/null)" || die "this clone has no 'origin' remote; set GITOPS_URL"
  git_url="$(printf '%s\n' "$origin" | strip_credentials)"
fi
if [ -n "${GITOPS_BRANCH:-}" ]; then
  branch="$GITOPS_BRANCH"
else
  branch="$(git symbolic-ref --quiet --short HEAD 2>/dev/null || true)"
  branch="${branch:-main}"
fi

# --- the models artifact: read from the HelmRelease values (foundry.byo.registry / .repository) ------------
byo_value() {
  # First "<key>: value" after the "byo:" line, without quotes or a trailing comment.
  sed -n '/^[[:space:]]*byo:[[:space:]]*$/,$p' "$helmrelease" |
    sed -n -E "s/^[[:space:]]*$1:[[:space:]]*['\"]?([^'\"#[:space:]]+)['\"]?.*$/\1/p" |
    sed -n '1p'
}
[ -f "$helmrelease" ] || die "$helmrelease not found in $repo_root"
registry_host="${GITOPS_REGISTRY_HOST:-$(byo_value registry)}"
registry_repository="${GITOPS_REGISTRY_REPOSITORY:-$(byo_value repository)}"
case "$registry_host" in
  '' | *'$'*) die "no registry host in $helmrelease (foundry.byo.registry is '${registry_host}'); set GITOPS_REGISTRY_HOST" ;;
esac
[ -n "$registry_repository" ] || die "no repository in $helmrelease (foundry.byo.repository); set GITOPS_REGISTRY_REPOSITORY"
image_name="${GITOPS_IMAGE_NAME:-${registry_repository##*/}}"
case "$registry_host" in
  127.0.0.1 | 127.0.0.1:* | localhost | localhost:*) insecure_default=true ;;
  *) insecure_default=false ;;
esac
insecure="${GITOPS_INSECURE:-$insecure_default}"

# --- Flux API versions, from discovery ---------------------------------------------------------------------
api_versions="$("$kubectl_cmd" api-versions)" || die "kubectl api-versions failed: is KUBECONFIG set and the cluster reachable?"
pick_api() {
  local group="$1" version
  shift
  for version in "$@"; do
    if grep -qx -- "$group/$version" <<<"$api_versions"; then
      echo "$group/$version"
      return 0
    fi
  done
  return 1
}
source_api="$(pick_api source.toolkit.fluxcd.io v1 v1beta2)" || die "Flux source API (source.toolkit.fluxcd.io v1|v1beta2) not served: is Flux installed?"
kustomize_api="$(pick_api kustomize.toolkit.fluxcd.io v1 v1beta2)" || die "Flux kustomize API (kustomize.toolkit.fluxcd.io v1|v1beta2) not served: is Flux installed?"
image_api="$(pick_api image.toolkit.fluxcd.io v1 v1beta2)" || die "Flux image API (image.toolkit.fluxcd.io v1|v1beta2) not served: install Flux with image-reflector-controller and image-automation-controller"

automation=false
if [ "${GITOPS_IMAGE_AUTOMATION:-false}" = "true" ]; then
  { [ -n "${GIT_USERNAME:-}" ] && [ -n "${GIT_TOKEN:-}" ]; } || die "GITOPS_IMAGE_AUTOMATION=true needs GIT_USERNAME and GIT_TOKEN (to push tag updates)"
  automation=true
fi
registry_auth=false
if [ -n "${REGISTRY_USERNAME:-}" ] || [ -n "${REGISTRY_PASSWORD:-}" ]; then
  { [ -n "${REGISTRY_USERNAME:-}" ] && [ -n "${REGISTRY_PASSWORD:-}" ]; } || die "set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither"
  registry_auth=true
fi

say "cluster APIs: $source_api, $kustomize_api, $image_api"
say "git source:   $git_url (branch $branch, every $interval)"
say "models:       $registry_host/$registry_repository (insecure=$insecure, semver $semver_range)"

b64() {
  printf '%s' "$1" | base64 | tr -d '\n'
}
apply() {
  "$kubectl_cmd" apply ${apply_flags[@]+"${apply_flags[@]}"} -f -
}

# --- kustomize-controller's dependency requeue ----------------------------------------------------------------
# A new commit enqueues both Kustomizations at once and kustomize-controller reconciles them concurrently, so
# ${name}-apps nearly always checks ${name}-infrastructure before it applied the commit: Ready=False
# DependencyNotReady "dependency '<ns>/<name>-infrastructure' revision is not up to date", event "Dependencies do
# not meet ready condition, retrying in 30s", and nothing wakes it earlier than the controller's
# --requeue-dependency (default 30s; kustomize-controller v1.6 and v1.9 alike). The 5 s GitRepository ->
# Kustomization budget cannot hold with 30s. The flag belongs to the cluster's Flux installation (flux bootstrap
# patches or the Arc extension's settings); GITOPS_REQUEUE_DEPENDENCY=1s sets it here for a cluster you own,
# by patching the kustomize-controller Deployment's args, which restarts that controller (on a cluster where
# Flux manages flux-system itself, put the same patch in flux-system/kustomization.yaml or it is reverted).
case "$requeue_dependency" in
  '') ;;
  *[!0-9.nsuµmh]* | [!0-9]*) die "GITOPS_REQUEUE_DEPENDENCY must be a Go duration such as 1s or 500ms (got '${requeue_dependency}')" ;;
  *)
    kc_args="$("$kubectl_cmd" get deployment kustomize-controller -n "$flux_namespace" \
      -o 'jsonpath={.spec.template.spec.containers[?(@.name=="manager")].args}' 2>/dev/null || true)"
    case "$kc_args" in
      '' | '[]') say "kustomize-controller not found in ${flux_namespace}: --requeue-dependency left as it is" ;;
      *"\"--requeue-dependency=${requeue_dependency}\""*) say "kustomize-controller: --requeue-dependency=${requeue_dependency} already set" ;;
      *)
        kept="$(printf '%s' "$kc_args" | sed -E -e 's/"--requeue-dependency=[^"]*",?//g' -e 's/,]$/]/' -e 's/]$//')"
        case "$kept" in
          '[') kc_new="[\"--requeue-dependency=${requeue_dependency}\"]" ;;
          *) kc_new="${kept},\"--requeue-dependency=${requeue_dependency}\"]" ;;
        esac
        case " ${KUBECTL_APPLY_FLAGS:-} " in
          *' --dry-run'*) say "kustomize-controller: would set --requeue-dependency=${requeue_dependency} (dry run)" ;;
          *)
            "$kubectl_cmd" patch deployment kustomize-controller -n "$flux_namespace" --type=strategic \
              -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"manager\",\"args\":${kc_new}}]}}}}" >/dev/null ||
              die "could not patch deployment/kustomize-controller in ${flux_namespace} (unset GITOPS_REQUEUE_DEPENDENCY to skip)"
            say "kustomize-controller: --requeue-dependency=${requeue_dependency} (${name}-apps retries its dependency that often)"
            ;;
        esac
        ;;
    esac
    ;;
esac

# --- objects -----------------------------------------------------------------------------------------------
apply <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
EOF

git_secret_ref=""
if [ "$automation" = true ]; then
  git_username_b64="$(b64 "$GIT_USERNAME")"
  git_token_b64="$(b64 "$GIT_TOKEN")"
  # stdin, not argv: the token never shows up in a process list.
  apply <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: ${name}-auth
  namespace: ${namespace}
type: Opaque
data:
  username: ${git_username_b64}
  password: ${git_token_b64}
EOF
  git_secret_ref="
  secretRef:
    name: ${name}-auth"
fi

apply <<EOF
apiVersion: ${source_api}
kind: GitRepository
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: ${interval}
  url: ${git_url}
  ref:
    branch: ${branch}${git_secret_ref}
---
apiVersion: ${kustomize_api}
kind: Kustomization
metadata:
  name: ${name}-infrastructure
  namespace: ${namespace}
spec:
  interval: ${interval}
  path: ./infrastructure
  prune: true
  sourceRef:
    kind: GitRepository
    name: ${name}
---
apiVersion: ${kustomize_api}
kind: Kustomization
metadata:
  name: ${name}-apps
  namespace: ${namespace}
spec:
  interval: ${interval}
  path: ./apps
  prune: true
  dependsOn:
    - name: ${name}-infrastructure
  sourceRef:
    kind: GitRepository
    name: ${name}
EOF

registry_secret_ref=""
if [ "$registry_auth" = true ]; then
  auth="$(b64 "${REGISTRY_USERNAME}:${REGISTRY_PASSWORD}")"
  apply <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: ${image_name}-registry
  namespace: ${flux_namespace}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths":{"${registry_host}":{"auth":"${auth}"}}}'
EOF
  registry_secret_ref="
  secretRef:
    name: ${image_name}-registry"
  # The chart's foundry.byo.credentialsSecret (optional keys username/password) names this Secret: the pod pulls
  # the models with it, as a workload in a cluster whose registry needs credentials for pulls.
  [ "$app_namespace" = "$namespace" ] || apply <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: ${app_namespace}
EOF
  apply <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: foundry-byo-credentials
  namespace: ${app_namespace}
type: Opaque
data:
  username: $(b64 "$REGISTRY_USERNAME")
  password: $(b64 "$REGISTRY_PASSWORD")
EOF
fi

apply <<EOF
apiVersion: ${image_api}
kind: ImageRepository
metadata:
  name: ${image_name}
  namespace: ${flux_namespace}
spec:
  image: ${registry_host}/${registry_repository}
  interval: ${image_interval}
  insecure: ${insecure}${registry_secret_ref}
---
apiVersion: ${image_api}
kind: ImagePolicy
metadata:
  name: ${image_name}
  namespace: ${flux_namespace}
spec:
  imageRepositoryRef:
    name: ${image_name}
  policy:
    semver:
      range: "${semver_range}"
EOF

if [ "$automation" = true ]; then
  apply <<EOF
apiVersion: ${image_api}
kind: ImageUpdateAutomation
metadata:
  name: ${name}
  namespace: ${flux_namespace}
spec:
  interval: ${image_interval}
  sourceRef:
    kind: GitRepository
    name: ${name}
    namespace: ${namespace}
  git:
    checkout:
      ref:
        branch: ${branch}
    commit:
      author:
        name: fluxcdbot
        email: fluxcdbot@users.noreply.github.com
      messageTemplate: "chore: update model artifact tag"
    push:
      branch: ${branch}
  update:
    path: ./apps
    strategy: Setters
EOF
  say "image automation: ImageUpdateAutomation ${flux_namespace}/${name} commits tag updates to ${branch}"
fi

say "done: Flux now reconciles ${namespace}/${name} (${name}-infrastructure, then ${name}-apps)"
