//go:build tools

// Package apiserver pins kube-apiserver and etcd, built from the Go module proxy for the
// end-to-end tests (make e2e). It is a module of its own so the provider does not depend
// on k8s.io/kubernetes.
package apiserver

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
