package render

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// checkSubdomain adds an error when name is not a DNS subdomain (most object names).
func checkSubdomain(errs *FieldErrors, at []any, what, name string) {
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		*errs = append(*errs, FieldError{Path: at, Msg: fmt.Sprintf("%s %s is not a valid name: %s", what, profile.Quote(name), strings.Join(msgs, "; "))})
	}
}

// checkNamespace adds an error when ns is not a namespace name (a DNS label).
func checkNamespace(errs *FieldErrors, at []any, ns string) {
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		*errs = append(*errs, FieldError{Path: at, Msg: fmt.Sprintf("namespace %s is not a valid namespace name: %s", profile.Quote(ns), strings.Join(msgs, "; "))})
	}
}

// RBACNameProblems says why name cannot name an RBAC object (a ClusterRole, a
// RoleBinding: any non-empty path segment, so "psp:restricted" is fine), or returns nil.
func RBACNameProblems(name string) []string {
	msgs := content.IsPathSegmentName(name)
	if name == "" {
		msgs = append(msgs, "must not be empty")
	}
	return msgs
}

// checkRBACName adds an error when name cannot name an RBAC object.
func checkRBACName(errs *FieldErrors, at []any, what, name string) {
	if msgs := RBACNameProblems(name); len(msgs) > 0 {
		*errs = append(*errs, FieldError{Path: at, Msg: fmt.Sprintf("%s %s is not a valid name: %s", what, profile.Quote(name), strings.Join(msgs, "; "))})
	}
}
