#!/usr/bin/env bash
# What the cluster needs before keelson (versions pinned; the nightly e2e-kind workflow runs this on a fresh kind).
set -euo pipefail

ROLLOUTS_VERSION=v1.8.3
GATEWAY_PLUGIN_VERSION=v0.5.0
ENVOY_GATEWAY_VERSION=v1.3.2
KPS_VERSION=70.4.2

echo "e2e: Envoy Gateway (brings the Gateway API CRDs) and a GatewayClass"
helm install eg oci://docker.io/envoyproxy/gateway-helm --version "$ENVOY_GATEWAY_VERSION" -n envoy-gateway-system --create-namespace --wait
kubectl apply -f - <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
YAML

echo "e2e: Argo Rollouts $ROLLOUTS_VERSION with the Gateway API traffic router plugin $GATEWAY_PLUGIN_VERSION"
kubectl create namespace argo-rollouts --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n argo-rollouts -f "https://github.com/argoproj/argo-rollouts/releases/download/$ROLLOUTS_VERSION/install.yaml"
kubectl apply -n argo-rollouts -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata: { name: argo-rollouts-config }
data:
  trafficRouterPlugins: |-
    - name: "argoproj-labs/gatewayAPI"
      location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/$GATEWAY_PLUGIN_VERSION/gatewayapi-plugin-linux-amd64"
YAML
kubectl apply -f - <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: argo-rollouts-gateway-api }
rules:
  - apiGroups: [gateway.networking.k8s.io]
    resources: [httproutes]
    verbs: [get, list, watch, update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: argo-rollouts-gateway-api }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: argo-rollouts-gateway-api }
subjects: [{ kind: ServiceAccount, name: argo-rollouts, namespace: argo-rollouts }]
YAML
kubectl -n argo-rollouts rollout restart deployment/argo-rollouts
kubectl -n argo-rollouts rollout status deployment/argo-rollouts --timeout=5m

echo "e2e: kube-prometheus-stack $KPS_VERSION (Prometheus the judge reads)"
helm repo add prometheus-community https://prometheus-community.github.io/helm-charts
helm install kube-prometheus-stack prometheus-community/kube-prometheus-stack --version "$KPS_VERSION" \
  -n monitoring --create-namespace --wait --timeout 10m \
  --set grafana.enabled=false --set alertmanager.enabled=false \
  --set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false \
  --set prometheus.prometheusSpec.scrapeInterval=5s
