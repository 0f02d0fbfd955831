#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy for the end-to-end tests, once:
# the binaries are cached in $EKSPODSEC_K8S_BIN (default ~/.cache/ekspodsec/k8s-v1.37.2)
# and rebuilt only when missing. A cold build takes about 3.5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
out="${EKSPODSEC_K8S_BIN:-$HOME/.cache/ekspodsec/k8s-v1.37.2}"
mkdir -p "$out"
if [ ! -x "$out/kube-apiserver" ]; then
  echo "building kube-apiserver v1.37.2 into $out (first time: a few minutes)" >&2
  go build -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v1.37.2 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean" \
    -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
fi
if [ ! -x "$out/etcd" ]; then
  echo "building etcd v3.7.0 into $out" >&2
  go build -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$out/etcd.tmp" "$out/etcd"
fi
echo "$out"
