package render

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// ContainerLimits are a LimitRange's container item, as resource name → quantity.
type ContainerLimits struct {
	Default, DefaultRequest, Min, Max, MaxLimitRequestRatio map[string]string
}

// MinMax bounds pods or persistent volume claims.
type MinMax struct {
	Min, Max map[string]string
}

// LimitRangeSpec is what a LimitRange is rendered from.
type LimitRangeSpec struct {
	Name, Namespace string
	Container       *ContainerLimits
	Pod             *MinMax
	PVC             *MinMax
	// Fargate sizes the pod that takes the container defaults on EKS Fargate.
	Fargate bool
}

// LimitRangeResult is a rendered LimitRange.
type LimitRangeResult struct {
	LimitRange *corev1.LimitRange
	// FargatePodSize is, with Fargate, what Fargate bills a pod whose one container
	// declares no requests and takes the defaults (nil without Fargate).
	FargatePodSize *eks.Size
	// Decisions: with Fargate, warnings on fargate when the defaults lack a request, and
	// on the defaults when they waste a Fargate size.
	Decisions
}

// Objects are the rendered objects, in output order.
func (r LimitRangeResult) Objects() []any { return []any{r.LimitRange} }

// ComputeResourcePattern matches the resource names a LimitRange's container and pod
// items take: cpu, memory, ephemeral-storage, hugepages-<size> and extended resources
// such as nvidia.com/gpu.
const ComputeResourcePattern = `^(cpu|memory|ephemeral-storage|hugepages-[0-9]+[KMGTPE]i?|[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$`

// Compiled patterns (read-only).
var (
	computeResourceRE = regexp.MustCompile(ComputeResourcePattern)
	storageResourceRE = regexp.MustCompile(`^storage$`)
)

// maxQuantity is the largest quantity Kubernetes represents (2^63-1): beyond it the API
// machinery clamps ("8Ei" would serialize as 9223372036854775807).
var maxQuantity = resource.NewQuantity(math.MaxInt64, resource.DecimalSI)

// MaxQuantityLen is the longest quantity ParseQuantity reads.
const MaxQuantityLen = 128

// ParseQuantity reads a Kubernetes quantity (500m, 2, 256Mi, 1Gi) that a LimitRange or a
// ResourceQuota may hold: not negative, and at most 2^63-1, where Kubernetes would clamp
// it to another number. The result is canonical ("+1" and "01" are "1", "0.5" is "500m"),
// as the API server stores it. The error quotes the value and says what is wrong.
func ParseQuantity(s string) (resource.Quantity, error) {
	if len(s) > MaxQuantityLen {
		// parsing a number of a million digits takes seconds; no quantity in range needs 128 characters
		return resource.Quantity{}, fmt.Errorf("a quantity of %d characters is not a Kubernetes quantity: at most %d", len(s), MaxQuantityLen)
	}
	if q, ok, err := hugeExponent(s); ok {
		// resource.ParseQuantity takes minutes over a long exponent (1E206000600000), and
		// comparing or rounding a large one takes seconds (1E20600000, 0e-999999)
		return q, err
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return resource.Quantity{}, fmt.Errorf("%s is not a Kubernetes quantity (like 500m, 2, 256Mi, 1Gi)", profile.Quote(s))
	}
	if q.Sign() < 0 {
		return resource.Quantity{}, fmt.Errorf("%s is negative", profile.Quote(s))
	}
	// A decimal exponent past 10^19 is beyond 2^63-1 whatever its digits, and comparing
	// it would multiply out the power of ten (1E20600000 took seconds): decide on the
	// exponent alone. Zero times any power of ten is zero.
	if d := q.DeepCopy(); d.AsDec().Scale() < -19 {
		if q.IsZero() {
			return resource.Quantity{Format: q.Format}, nil
		}
		return resource.Quantity{}, outOfRange(s)
	}
	if q.Cmp(*maxQuantity) > 0 || clampedBinary(s, q) {
		return resource.Quantity{}, outOfRange(s)
	}
	q.Add(resource.Quantity{Format: q.Format}) // drop the parsed spelling: serialize canonically
	return q, nil
}

// A decimal exponent of a thousand or more, either way: within MaxQuantityLen such a
// quantity is 0, beyond 2^63-1, or below a nano, whatever its digits.
var (
	hugeExponentRE = regexp.MustCompile(`[eE][+-]?0*[1-9][0-9]{3,}$`)
	// exponentQuantityRE is the form a quantity with one takes: digits before the exponent.
	exponentQuantityRE = regexp.MustCompile(`^([+-]?)([0-9]+\.?[0-9]*|\.[0-9]+)[eE]([+-]?)[0-9]+$`)
)

// hugeExponent decides a quantity with a huge decimal exponent on its text: ok false for
// any other string.
func hugeExponent(s string) (q resource.Quantity, ok bool, err error) {
	if !hugeExponentRE.MatchString(s) {
		return resource.Quantity{}, false, nil
	}
	m := exponentQuantityRE.FindStringSubmatch(s)
	switch {
	case m == nil:
		return resource.Quantity{}, true, fmt.Errorf("%s is not a Kubernetes quantity (like 500m, 2, 256Mi, 1Gi)", profile.Quote(s))
	case strings.Trim(m[2], "0.") == "":
		return resource.Quantity{Format: resource.DecimalExponent}, true, nil
	case m[1] == "-":
		return resource.Quantity{}, true, fmt.Errorf("%s is negative", profile.Quote(s))
	case m[3] == "-":
		// below a nano: Kubernetes rounds it up to the smallest quantity
		q = resource.MustParse("1e-9")
		q.Add(resource.Quantity{Format: q.Format})
		return q, true, nil
	}
	return resource.Quantity{}, true, outOfRange(s)
}

func outOfRange(s string) error {
	return fmt.Errorf("%s is out of range: Kubernetes quantities go up to 9223372036854775807 (2^63-1, just under 8Ei), and would clamp it to another number", profile.Quote(s))
}

// binaryExponents are the powers of two of the binary suffixes.
var binaryExponents = map[string]uint{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}

// clampedBinary reports whether resource.ParseQuantity clamped s, a quantity with a
// binary suffix, to 2^63-1: it does so silently for binary quantities above it ("8Ei").
func clampedBinary(s string, q resource.Quantity) bool {
	if q.Format != resource.BinarySI || q.Cmp(*maxQuantity) != 0 {
		return false
	}
	exp, ok := binaryExponents[s[max(len(s)-2, 0):]]
	if !ok {
		return true // 2^63-1 exactly, as a binary quantity without a binary suffix: cannot be told apart, refuse
	}
	num := strings.TrimPrefix(s[:len(s)-2], "+")
	if strings.HasPrefix(num, ".") {
		num = "0" + num
	}
	num = strings.TrimSuffix(num, ".")
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return true
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), exp)))
	return r.Cmp(new(big.Rat).SetInt64(math.MaxInt64)) > 0
}

// quantities parses one map attribute, collecting errors that name the attribute and key.
func quantities(path []any, m map[string]string, keyRE *regexp.Regexp, what string, errs *FieldErrors) corev1.ResourceList {
	if m == nil {
		return nil
	}
	out := corev1.ResourceList{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := append(append([]any(nil), path...), MapKey(k))
		if !keyRE.MatchString(k) {
			*errs = append(*errs, FieldError{Path: p, Msg: fmt.Sprintf("%s is not a %s resource name", profile.Quote(k), what)})
			continue
		}
		q, err := ParseQuantity(m[k])
		if err != nil {
			*errs = append(*errs, FieldError{Path: p, Msg: err.Error()})
			continue
		}
		out[corev1.ResourceName(k)] = q
	}
	return out
}

// LimitRange renders and checks a LimitRange: every quantity parses, and for each
// resource min ≤ default_request ≤ default ≤ max (as the API server requires); with
// Fargate, a pod taking the defaults must fit Fargate's largest size. Errors are
// FieldErrors on name, namespace, container / pod / persistent_volume_claim and their
// maps' keys (container.default["cpu"]), labels and annotations.
func LimitRange(s LimitRangeSpec, m Meta) (LimitRangeResult, error) {
	lr, err := limitRange(s, m)
	if err != nil {
		return LimitRangeResult{}, err
	}
	res := LimitRangeResult{LimitRange: lr}
	if s.Fargate {
		size, warnings, errs := fargateSizing(lr)
		res.Warnings = append(res.Warnings, warnings...)
		if len(errs) > 0 {
			return LimitRangeResult{Decisions: res.Decisions}, errs
		}
		res.FargatePodSize = size
	}
	return res, nil
}

// limitRange is LimitRange without Fargate.
func limitRange(s LimitRangeSpec, m Meta) (*corev1.LimitRange, error) {
	var errs FieldErrors
	var items []corev1.LimitRangeItem
	if c := s.Container; c != nil {
		item := corev1.LimitRangeItem{
			Type:                 corev1.LimitTypeContainer,
			Default:              quantities([]any{"container", "default"}, c.Default, computeResourceRE, "container", &errs),
			DefaultRequest:       quantities([]any{"container", "default_request"}, c.DefaultRequest, computeResourceRE, "container", &errs),
			Min:                  quantities([]any{"container", "min"}, c.Min, computeResourceRE, "container", &errs),
			Max:                  quantities([]any{"container", "max"}, c.Max, computeResourceRE, "container", &errs),
			MaxLimitRequestRatio: quantities([]any{"container", "max_limit_request_ratio"}, c.MaxLimitRequestRatio, computeResourceRE, "container", &errs),
		}
		order(&errs, "container", []named{{"min", item.Min}, {"default_request", item.DefaultRequest}, {"default", item.Default}, {"max", item.Max}})
		for _, r := range sortedNames(item.MaxLimitRequestRatio) {
			if ratio := item.MaxLimitRequestRatio[r]; ratio.Cmp(resource.MustParse("1")) < 0 {
				errs = append(errs, FieldError{Path: []any{"container", "max_limit_request_ratio", MapKey(r)}, Msg: fmt.Sprintf("%s is below 1: a limit can never be smaller than its request", ratio.String())})
			}
		}
		if len(item.Default)+len(item.DefaultRequest)+len(item.Min)+len(item.Max)+len(item.MaxLimitRequestRatio) == 0 && len(errs) == 0 {
			errs = append(errs, FieldError{Path: []any{"container"}, Msg: "the container block sets nothing: give at least one of default, default_request, min, max, max_limit_request_ratio"})
		}
		items = append(items, item)
	}
	if p := s.Pod; p != nil {
		items = append(items, minMaxItem(corev1.LimitTypePod, "pod", *p, computeResourceRE, "pod", &errs))
	}
	if p := s.PVC; p != nil {
		items = append(items, minMaxItem(corev1.LimitTypePersistentVolumeClaim, "persistent_volume_claim", *p, storageResourceRE, "persistent volume claim (storage)", &errs))
	}
	if len(items) == 0 {
		errs = append(errs, FieldError{Path: []any{"container"}, Msg: "a LimitRange needs at least one of container, pod or persistent_volume_claim"})
	}
	checkSubdomain(&errs, []any{"name"}, "name", s.Name)
	checkNamespace(&errs, []any{"namespace"}, s.Namespace)
	om, err := objectMeta(s.Name, s.Namespace, m, nil)
	errs.add(err)
	if len(errs) > 0 {
		return nil, errs.titled("Invalid LimitRange")
	}
	return &corev1.LimitRange{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "LimitRange"},
		ObjectMeta: om,
		Spec:       corev1.LimitRangeSpec{Limits: items},
	}, nil
}

// minMaxItem is a LimitRange item of bounds only (pods, persistent volume claims), from
// block: min <= max, and at least one of them.
func minMaxItem(typ corev1.LimitType, block string, mm MinMax, keyRE *regexp.Regexp, what string, errs *FieldErrors) corev1.LimitRangeItem {
	item := corev1.LimitRangeItem{
		Type: typ,
		Min:  quantities([]any{block, "min"}, mm.Min, keyRE, what, errs),
		Max:  quantities([]any{block, "max"}, mm.Max, keyRE, what, errs),
	}
	order(errs, block, []named{{"min", item.Min}, {"max", item.Max}})
	if mm.Min == nil && mm.Max == nil {
		*errs = append(*errs, FieldError{Path: []any{block}, Msg: "the " + block + " block sets nothing: give min or max"})
	}
	return item
}

// sortedNames returns a resource list's names, sorted.
func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for r := range l {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type named struct {
	name string
	list corev1.ResourceList
}

// order checks that, for every resource, each list's value is at most the next ones'.
func order(errs *FieldErrors, block string, chain []named) {
	for i := 0; i < len(chain); i++ {
		for j := i + 1; j < len(chain); j++ {
			lo, hi := chain[i], chain[j]
			keys := make([]string, 0, len(lo.list))
			for r := range lo.list {
				keys = append(keys, string(r))
			}
			sort.Strings(keys)
			for _, r := range keys {
				a := lo.list[corev1.ResourceName(r)]
				b, ok := hi.list[corev1.ResourceName(r)]
				if ok && a.Cmp(b) > 0 {
					*errs = append(*errs, FieldError{Path: []any{block, lo.name, MapKey(r)},
						Msg: fmt.Sprintf("%s %s %s is greater than %s %s %s: a LimitRange needs min <= default_request <= default <= max",
							lo.name, r, a.String(), hi.name, r, b.String())})
				}
			}
		}
	}
}
