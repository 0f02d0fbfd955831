package render

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// ScopeExpression is one scope selector expression of a ResourceQuota.
type ScopeExpression struct {
	ScopeName string
	Operator  string
	Values    []string
}

// QuotaSpec is what a ResourceQuota is rendered from.
type QuotaSpec struct {
	Name, Namespace string
	Hard            map[string]string
	Scopes          []string
	ScopeSelector   []ScopeExpression
}

// QuotaResourcePattern matches the resource names a ResourceQuota accepts: object counts
// (pods, services, count/<resource>.<group>, ...), compute requests and limits (cpu,
// requests.memory, limits.ephemeral-storage, hugepages-*), storage (requests.storage,
// <class>.storageclass.storage.k8s.io/requests.storage) and extended resources
// (requests.nvidia.com/gpu).
const QuotaResourcePattern = `^(` + `pods|services|services\.loadbalancers|services\.nodeports|secrets|configmaps|` +
	`persistentvolumeclaims|replicationcontrollers|resourcequotas|` +
	`cpu|memory|ephemeral-storage|storage|` +
	`(requests|limits)\.(cpu|memory|ephemeral-storage)|requests\.storage|` +
	`(requests|limits)\.hugepages-[0-9]+[KMGTPE]i?|hugepages-[0-9]+[KMGTPE]i?|` +
	`count/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*|` +
	`[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.storageclass\.storage\.k8s\.io/(requests\.storage|persistentvolumeclaims)|` +
	`[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.volumeattributesclass\.storage\.k8s\.io/(requests\.storage|persistentvolumeclaims)|` +
	`(requests\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?` + `)$`

// quotaResourceRE is QuotaResourcePattern compiled (read-only).
var quotaResourceRE = regexp.MustCompile(QuotaResourcePattern)

// QuotaScopes are the ResourceQuota scopes.
func QuotaScopes() []string {
	return []string{"BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating", "VolumeAttributesClass"}
}

// QuotaResult is a rendered ResourceQuota.
type QuotaResult struct {
	Quota *corev1.ResourceQuota
	// Decisions: a warning on hard when it lacks requests or limits of CPU or memory.
	Decisions
}

// Objects are the rendered objects, in output order.
func (r QuotaResult) Objects() []any { return []any{r.Quota} }

// ResourceQuota renders a ResourceQuota, with a warning: per the guide, a quota on
// requests and limits of CPU and memory forces every pod to declare them, so a quota
// without them is said to be weaker. Errors are FieldErrors on name, namespace, hard[key],
// scopes[i], scope_selector.match_expression[i].scope_name / .operator / .values, labels
// and annotations.
func ResourceQuota(s QuotaSpec, m Meta) (QuotaResult, error) {
	var errs FieldErrors
	hard := quantities([]any{"hard"}, s.Hard, quotaResourceRE, "quota", &errs)
	if len(s.Hard) == 0 {
		errs = append(errs, FieldError{Path: []any{"hard"}, Msg: "a ResourceQuota needs at least one hard limit, e.g. requests.cpu"})
	}
	var scopes []corev1.ResourceQuotaScope
	for i, sc := range s.Scopes {
		if !slices.Contains(QuotaScopes(), sc) {
			errs = append(errs, FieldError{Path: []any{"scopes", i}, Msg: fmt.Sprintf("%s is not a quota scope: want one of %s", profile.Quote(sc), strings.Join(QuotaScopes(), ", "))})
		}
		scopes = append(scopes, corev1.ResourceQuotaScope(sc))
	}
	var sel *corev1.ScopeSelector
	if len(s.ScopeSelector) > 0 {
		sel = &corev1.ScopeSelector{}
		for i, e := range s.ScopeSelector {
			if !slices.Contains(QuotaScopes(), e.ScopeName) {
				errs = append(errs, FieldError{Path: []any{"scope_selector", "match_expression", i, "scope_name"}, Msg: fmt.Sprintf("%s is not a quota scope", profile.Quote(e.ScopeName))})
			}
			switch e.Operator {
			case "In", "NotIn":
				if len(e.Values) == 0 {
					errs = append(errs, FieldError{Path: []any{"scope_selector", "match_expression", i, "values"}, Msg: "operator " + e.Operator + " needs values"})
				}
			case "Exists", "DoesNotExist":
				if len(e.Values) > 0 {
					errs = append(errs, FieldError{Path: []any{"scope_selector", "match_expression", i, "values"}, Msg: "operator " + e.Operator + " takes no values"})
				}
			default:
				errs = append(errs, FieldError{Path: []any{"scope_selector", "match_expression", i, "operator"}, Msg: fmt.Sprintf("%s is not an operator: want In, NotIn, Exists or DoesNotExist", profile.Quote(e.Operator))})
			}
			vals := append([]string(nil), e.Values...)
			sort.Strings(vals)
			sel.MatchExpressions = append(sel.MatchExpressions, corev1.ScopedResourceSelectorRequirement{
				ScopeName: corev1.ResourceQuotaScope(e.ScopeName), Operator: corev1.ScopeSelectorOperator(e.Operator), Values: vals,
			})
		}
	}
	checkSubdomain(&errs, []any{"name"}, "name", s.Name)
	checkNamespace(&errs, []any{"namespace"}, s.Namespace)
	om, err := objectMeta(s.Name, s.Namespace, m, nil)
	errs.add(err)
	if len(errs) > 0 {
		return QuotaResult{}, errs.titled("Invalid ResourceQuota")
	}
	var res QuotaResult
	var missing []string
	for _, need := range []struct{ key, alias string }{{"requests.cpu", "cpu"}, {"requests.memory", "memory"}, {"limits.cpu", ""}, {"limits.memory", ""}} {
		if _, ok := hard[corev1.ResourceName(need.key)]; ok {
			continue
		}
		if _, ok := hard[corev1.ResourceName(need.alias)]; need.alias != "" && ok {
			continue
		}
		missing = append(missing, need.key)
	}
	if len(missing) > 0 {
		res.Warnings = append(res.Warnings, Warning{Path: []any{"hard"}, Summary: "Pods are not forced to declare requests and limits",
			Msg: fmt.Sprintf("hard has no %s: a quota on requests and limits of CPU and memory makes every pod "+
				"in the namespace declare them (the guide's advice), and caps what the namespace can take", strings.Join(missing, ", "))})
	}
	res.Quota = &corev1.ResourceQuota{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
		ObjectMeta: om,
		Spec:       corev1.ResourceQuotaSpec{Hard: hard, Scopes: scopes, ScopeSelector: sel},
	}
	return res, nil
}
