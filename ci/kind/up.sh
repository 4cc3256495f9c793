#!/usr/bin/env bash
# The kind lane's cluster set-up (nightly job `kind`), after helm/kind-action created the cluster `gitops-e2e`:
#   1. one fake nvidia.com/gpu on the node (node status capacity patch: ci/kind/advertise-gpu.ts);
#   2. real Flux $FLUX_VERSION from its official install manifest (all controllers, image automation included);
#   3. the CNCF distribution registry (image registry:3) on the kind network, published on the gateway's :5000;
#   4. the git server and the model artifacts (ci/kind/services.ts, in the background for the whole job);
#   5. the foundry stand-in image (ci/kind/foundry-standin) built and loaded into the node under the chart's image
#      name, so the chart runs it unchanged (pullPolicy IfNotPresent).
# Untested here (needs Docker and kind): README.md, "Nightly CI". The pieces that can run here are in npm test.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${FLUX_VERSION:?set FLUX_VERSION, e.g. v2.9.4}"
cluster="${KIND_CLUSTER:-gitops-e2e}"
state="${RUNNER_TEMP:-/tmp}/kind-lane"
mkdir -p "$state" reports
gateway="$(docker network inspect kind -f '{{(index .IPAM.Config 0).Gateway}}')"
echo "kind: cluster $cluster, host gateway $gateway, Flux $FLUX_VERSION"

node ci/kind/advertise-gpu.ts --count 1

kubectl apply -f "https://github.com/fluxcd/flux2/releases/download/${FLUX_VERSION}/install.yaml"
kubectl -n flux-system wait --for=condition=Available deployment --all --timeout=5m

docker run -d --restart=always --name kind-registry --network kind -p "${gateway}:5000:5000" registry:3
for _ in $(seq 1 30); do curl -fsS "http://${gateway}:5000/v2/" >/dev/null && break; sleep 1; done

nohup node ci/kind/services.ts "$gateway" "$state" > reports/kind-services.log 2>&1 &
for _ in $(seq 1 60); do [ -f "$state/ready" ] && break; sleep 1; done
[ -f "$state/ready" ] || { cat reports/kind-services.log; echo "kind: services did not start" >&2; exit 1; }
grep -v '^::add-mask::' reports/kind-services.log || true

chart=sandbox/template-repo/apps/foundry-gpu-oras/chart
image="$(awk '/^  repository:/{print $2; exit}' "$chart/values.yaml")"
tag="$(awk '/^appVersion:/{gsub(/"/, "", $2); print $2}' "$chart/Chart.yaml")"
docker build -f ci/kind/foundry-standin/Dockerfile -t "$image:$tag" .
kind load docker-image "$image:$tag" --name "$cluster"
echo "kind: ready (stand-in loaded as $image:$tag)"
