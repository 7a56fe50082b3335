#!/usr/bin/env bash
# The e2e-kind scenario, after test/kind/install.sh: penguins 1 as the first stable revision, then penguins 2
# (good: promoted through canary analysis, exit 0) and penguins 4 (shifted: aborted, exit 2, traffic back on stable),
# each released with `keelson release` into $REGISTRY and deployed with `keelson deploy`; asserted with kubectl.
set -euo pipefail
: "${REGISTRY:?the registry the kind nodes pull from, e.g. localhost:5001}"
cd "$(dirname "$0")/../.."

fail() { echo "e2e: FAILED: $*" >&2; exit 1; }
weights() { kubectl -n keelson get httproute keelson -o jsonpath='{range .spec.rules[0].backendRefs[*]}{.name}={.weight} {end}'; }

git config user.name "keelson e2e"
git config user.email "e2e@keelson.invalid"
git switch -C e2e
npx keelson models sample --out models

# A kind-sized copy of the production spec: one replica, short intervals, small steps. Committed locally only.
sed -e 's/^  replicas: .*/  replicas: 1/' -e 's/^  interval: .*/  interval: 10s/' -e 's/^  minStepRequests: .*/  minStepRequests: 100/' \
  -e 's/^environment: .*/environment: kind/' deploy/production.yaml > deploy/kind.yaml
git add deploy/kind.yaml && git commit -q -m "e2e: kind environment"

release() { npx keelson release --env kind --registry "$REGISTRY" --name keelson --skip-tests --allow-branch e2e --model-version "$1"; }
deploy() { npx keelson deploy --env kind --namespace keelson --timeout 20m --summary "$RUNNER_TEMP/summary-$1.md"; }

# The Gateway the HTTPRoute attaches to, and traffic through it during every rollout.
kubectl create namespace keelson --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n keelson -f - <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: keelson }
spec:
  gatewayClassName: eg
  listeners: [{ name: http, protocol: HTTP, port: 80 }]
YAML
traffic() {
  local svc
  svc="$(kubectl -n envoy-gateway-system get svc -l gateway.envoyproxy.io/owning-gateway-name=keelson -o jsonpath='{.items[0].metadata.name}')"
  kubectl -n envoy-gateway-system port-forward "svc/$svc" 18080:80 >/dev/null 2>&1 &
  echo $! > "$RUNNER_TEMP/port-forward.pid"
  sleep 3
  npx keelson traffic --url http://127.0.0.1:18080 --rps 40 --duration 30m >/dev/null 2>&1 &
  echo $! > "$RUNNER_TEMP/traffic.pid"
}
stop_traffic() { kill "$(cat "$RUNNER_TEMP/traffic.pid")" "$(cat "$RUNNER_TEMP/port-forward.pid")" 2>/dev/null || true; }
trap stop_traffic EXIT

echo "e2e: penguins 1, the first stable revision"
release 1
deploy first || fail "the first deploy did not succeed"
traffic

echo "e2e: penguins 2 (good): promoted"
release 2
deploy good || fail "penguins 2 was not promoted (exit $?)"
[ "$(kubectl -n keelson get rollout keelson -o jsonpath='{.status.phase}')" = Healthy ] || fail "rollout not Healthy after promotion"
stable_image="$(kubectl -n keelson get rollout keelson -o jsonpath='{.spec.template.spec.containers[0].image}')"
grep -q "image: $stable_image" deploy/kind.yaml || fail "the Rollout runs $stable_image, not the released image"

echo "e2e: penguins 4 (shifted): aborted, traffic back on stable"
release 4
set +e
deploy shifted
code=$?
set -e
[ "$code" = 2 ] || fail "keelson deploy of penguins 4 exited $code, expected 2 (rolled back)"
[ "$(kubectl -n keelson get rollout keelson -o jsonpath='{.status.abort}')" = true ] || fail "the Rollout was not aborted"
grep -Eq 'keelson-canary=0( |$)' <<<"$(weights)" || fail "canary weight is not 0 after the abort: $(weights)"
grep -iq 'rollback\|rolled back' "$RUNNER_TEMP/summary-shifted.md" || fail "the summary does not say why it rolled back"
echo "e2e: passed"
cat "$RUNNER_TEMP"/summary-*.md >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
