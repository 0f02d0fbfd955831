package advise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	appsclient "k8s.io/client-go/kubernetes/typed/apps/v1"
	batchclient "k8s.io/client-go/kubernetes/typed/batch/v1"
	coreclient "k8s.io/client-go/kubernetes/typed/core/v1"
	rbacclient "k8s.io/client-go/kubernetes/typed/rbac/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// LiveOptions say which cluster to read and how.
type LiveOptions struct {
	// Kubeconfig is the kubeconfig file; "" follows client-go's loading rules (KUBECONFIG,
	// then ~/.kube/config).
	Kubeconfig string
	// Context is the kubeconfig context ("" for its current context).
	Context string
	// Namespaces limits the read to these namespaces (every namespace when empty).
	Namespaces []string
	// Timeout bounds each request (default 30s).
	Timeout time.Duration
}

// ClusterError is a cluster that cannot be read: unreachable, credentials refused, or a
// read the RBAC of the credentials does not allow (Verb, Resource, Group say which).
type ClusterError struct {
	Verb, Resource, Group, Namespace string
	Err                              error
	msg                              string
}

func (e *ClusterError) Error() string { return e.msg }
func (e *ClusterError) Unwrap() error { return e.Err }

// clusterReader reads one cluster, read-only: get and list only.
type clusterReader struct {
	core  coreclient.CoreV1Interface
	apps  appsclient.AppsV1Interface
	batch batchclient.BatchV1Interface
	rbac  rbacclient.RbacV1Interface
	rest  rest.Interface
	host  string
}

// FromCluster reads the workloads of a live cluster: pods and the controllers that own
// them (Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs, CronJobs,
// ReplicationControllers), LimitRanges and namespaces, of every namespace or of those
// given; before 1.25 also its PodSecurityPolicies and the RBAC that grants them. A pod is
// advised as the controller at the top of its ownerReferences (a ReplicaSet's pods as
// their Deployment, a Job's as its CronJob), with every pod's own spec judged with it.
func FromCluster(ctx context.Context, o LiveOptions) (*Input, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if o.Kubeconfig != "" {
		rules.ExplicitPath = o.Kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: o.Context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, kubeconfigError(o, err)
	}
	raw, _ := cc.RawConfig()
	ctxName := o.Context
	if ctxName == "" {
		ctxName = raw.CurrentContext
	}
	cfg.Timeout = o.Timeout
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.UserAgent = "terraform-provider-ekspodsec advise (read-only)"
	cfg.WarningHandler = rest.NoWarnings{}
	r := &clusterReader{host: cfg.Host}
	if r.core, err = coreclient.NewForConfig(cfg); err == nil {
		if r.apps, err = appsclient.NewForConfig(cfg); err == nil {
			if r.batch, err = batchclient.NewForConfig(cfg); err == nil {
				r.rbac, err = rbacclient.NewForConfig(cfg)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("kubeconfig context %s: %w", ctxName, err)
	}
	r.rest = r.core.RESTClient()
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig context %s: %w", ctxName, err)
	}
	in := &Input{Source: fmt.Sprintf("cluster %s (%s)", ctxName, cfg.Host), Complete: true, Observed: map[*object.Object][]ObservedPod{}}
	sv, err := dc.ServerVersion()
	if err != nil {
		return nil, r.problem(err, "get", "version", "", "")
	}
	if v, err := k8sversion.Parse(sv.Major + "." + strings.TrimRight(sv.Minor, "+")); err == nil {
		in.KubernetesVersion, in.VersionSource = v.String(), "the cluster's API server"
	}
	namespaces := o.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	var ws workloadsRead
	for _, ns := range namespaces {
		if err := r.readNamespace(ctx, ns, in, &ws); err != nil {
			return nil, err
		}
	}
	if v, _ := k8sversion.Parse(in.KubernetesVersion); in.KubernetesVersion != "" && !v.AtLeast(profile.PSPRemovedIn()) {
		if err := r.readPSPs(ctx, in); err != nil {
			return nil, err
		}
	}
	ws.resolve(in)
	return in, nil
}

// kubeconfigError explains a kubeconfig that cannot be used.
func kubeconfigError(o LiveOptions, err error) error {
	where := "the kubeconfig (KUBECONFIG, ~/.kube/config)"
	if o.Kubeconfig != "" {
		where = "--kubeconfig " + o.Kubeconfig
	}
	if clientcmd.IsEmptyConfig(err) {
		return fmt.Errorf("%s: no cluster configured: give --kubeconfig FILE (and --context NAME)", where)
	}
	msg := err.Error()
	if o.Context != "" && (strings.Contains(msg, "context was not found") || strings.Contains(msg, "does not exist")) {
		return fmt.Errorf("%s has no context %q", where, o.Context)
	}
	return fmt.Errorf("%s: %s", where, msg)
}

// problem turns a failed request into one line: what was refused (and which RBAC verb on
// which resource is missing), or why the cluster cannot be reached.
func (r *clusterReader) problem(err error, verb, resource, group, namespace string) error {
	scope := "in every namespace"
	if namespace != "" {
		scope = "in namespace " + namespace
	}
	res := resource
	if group != "" {
		res += "." + group
	}
	ce := &ClusterError{Verb: verb, Resource: resource, Group: group, Namespace: namespace, Err: err}
	groupText := "the core API group (\"\")"
	if group != "" {
		groupText = "API group \"" + group + "\""
	}
	switch {
	case apierrors.IsForbidden(err):
		ce.msg = fmt.Sprintf("the cluster refuses to %s %s %s: the credentials need RBAC verb %q on resource %q in %s (advise only reads)", verb, res, scope, verb, resource, groupText)
	case apierrors.IsUnauthorized(err):
		ce.msg = fmt.Sprintf("the cluster at %s does not accept the kubeconfig's credentials (401 Unauthorized)", r.host)
	default:
		var ue *url.Error
		var ne net.Error
		switch {
		case errors.As(err, &ue):
			ce.msg = fmt.Sprintf("cannot reach the Kubernetes API server at %s: %s", r.host, innermost(ue.Err))
		case errors.As(err, &ne):
			ce.msg = fmt.Sprintf("cannot reach the Kubernetes API server at %s: %s", r.host, ne.Error())
		default:
			ce.msg = fmt.Sprintf("cannot %s %s %s: %s", verb, res, scope, err.Error())
		}
	}
	return ce
}

// innermost is the deepest error's text ("connect: connection refused").
func innermost(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + " " + op.Addr.String() + ": " + op.Err.Error()
	}
	return err.Error()
}

// workloadsRead is what readNamespace found, before owners are resolved.
type workloadsRead struct {
	pods      []corev1.Pod
	workloads []liveWorkload
}

// liveWorkload is a controller object read from the cluster.
type liveWorkload struct {
	kind   string
	meta   metav1.ObjectMeta
	typed  any
	owners []metav1.OwnerReference
}

// list pages through a list call.
func list[T any](ctx context.Context, fetch func(ctx context.Context, opts metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	var out []T
	opts := metav1.ListOptions{Limit: 500}
	for {
		items, next, err := fetch(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		opts.Continue = next
	}
}

func (r *clusterReader) readNamespace(ctx context.Context, ns string, in *Input, ws *workloadsRead) error {
	if ns == "" {
		nss, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Namespace, string, error) {
			l, err := r.core.Namespaces().List(ctx, o)
			if err != nil {
				return nil, "", err
			}
			return l.Items, l.Continue, nil
		})
		if err != nil {
			return r.problem(err, "list", "namespaces", "", "")
		}
		for i := range nss {
			in.addTyped("v1", "Namespace", &nss[i])
		}
	} else {
		n, err := r.core.Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) {
				return fmt.Errorf("--namespace %s: the cluster has no such namespace", ns)
			}
			return r.problem(err, "get", "namespaces", "", "")
		}
		in.addTyped("v1", "Namespace", n)
	}
	pods, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Pod, string, error) {
		l, err := r.core.Pods(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil {
		return r.problem(err, "list", "pods", "", ns)
	}
	ws.pods = append(ws.pods, pods...)
	lrs, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]corev1.LimitRange, string, error) {
		l, err := r.core.LimitRanges(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
	if err != nil {
		return r.problem(err, "list", "limitranges", "", ns)
	}
	for i := range lrs {
		in.addTyped("v1", "LimitRange", &lrs[i])
	}
	type lister struct {
		kind, resource, group string
		read                  func() ([]liveWorkload, error)
	}
	wrap := func(kind string, meta metav1.ObjectMeta, typed any) liveWorkload {
		return liveWorkload{kind: kind, meta: meta, typed: typed, owners: meta.OwnerReferences}
	}
	for _, l := range []lister{
		{"Deployment", "deployments", "apps", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]appsv1.Deployment, string, error) {
				l, err := r.apps.Deployments(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("Deployment", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"ReplicaSet", "replicasets", "apps", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]appsv1.ReplicaSet, string, error) {
				l, err := r.apps.ReplicaSets(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("ReplicaSet", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"DaemonSet", "daemonsets", "apps", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]appsv1.DaemonSet, string, error) {
				l, err := r.apps.DaemonSets(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("DaemonSet", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"StatefulSet", "statefulsets", "apps", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]appsv1.StatefulSet, string, error) {
				l, err := r.apps.StatefulSets(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("StatefulSet", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"Job", "jobs", "batch", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]batchv1.Job, string, error) {
				l, err := r.batch.Jobs(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("Job", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"CronJob", "cronjobs", "batch", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]batchv1.CronJob, string, error) {
				l, err := r.batch.CronJobs(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("CronJob", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
		{"ReplicationController", "replicationcontrollers", "", func() ([]liveWorkload, error) {
			items, err := list(ctx, func(ctx context.Context, o metav1.ListOptions) ([]corev1.ReplicationController, string, error) {
				l, err := r.core.ReplicationControllers(ns).List(ctx, o)
				if err != nil {
					return nil, "", err
				}
				return l.Items, l.Continue, nil
			})
			var out []liveWorkload
			for i := range items {
				out = append(out, wrap("ReplicationController", items[i].ObjectMeta, &items[i]))
			}
			return out, err
		}},
	} {
		got, err := l.read()
		switch {
		case apierrors.IsNotFound(err):
			in.Notes = append(in.Notes, fmt.Sprintf("the cluster does not serve %s.%s: none read", l.resource, l.group))
		case err != nil:
			return r.problem(err, "list", l.resource, l.group, ns)
		}
		ws.workloads = append(ws.workloads, got...)
	}
	return nil
}

// readPSPs reads the PodSecurityPolicies of a cluster before 1.25 and the RBAC that can
// grant them.
func (r *clusterReader) readPSPs(ctx context.Context, in *Input) error {
	var l struct {
		Items []psp.PodSecurityPolicy `json:"items"`
	}
	body, err := r.rest.Get().AbsPath("/apis/policy/v1beta1/podsecuritypolicies").Do(ctx).Raw()
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return r.problem(err, "list", "podsecuritypolicies", "policy", "")
	}
	if err := json.Unmarshal(body, &l); err != nil {
		return fmt.Errorf("reading the cluster's PodSecurityPolicies: %w", err)
	}
	for i := range l.Items {
		in.addTyped(psp.APIVersion, psp.Kind, &l.Items[i])
	}
	crs, err := r.rbac.ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return r.problem(err, "list", "clusterroles", "rbac.authorization.k8s.io", "")
	}
	for i := range crs.Items {
		in.addTyped("rbac.authorization.k8s.io/v1", "ClusterRole", &crs.Items[i])
	}
	crbs, err := r.rbac.ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		return r.problem(err, "list", "clusterrolebindings", "rbac.authorization.k8s.io", "")
	}
	for i := range crbs.Items {
		in.addTyped("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &crbs.Items[i])
	}
	roles, err := r.rbac.Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return r.problem(err, "list", "roles", "rbac.authorization.k8s.io", "")
	}
	for i := range roles.Items {
		in.addTyped("rbac.authorization.k8s.io/v1", "Role", &roles.Items[i])
	}
	rbs, err := r.rbac.RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return r.problem(err, "list", "rolebindings", "rbac.authorization.k8s.io", "")
	}
	for i := range rbs.Items {
		in.addTyped("rbac.authorization.k8s.io/v1", "RoleBinding", &rbs.Items[i])
	}
	return nil
}

// addTyped adds an object read from the cluster, through the same decoder as manifests.
func (in *Input) addTyped(apiVersion, kind string, obj any) *object.Object {
	data, err := json.Marshal(obj)
	if err != nil {
		in.Notes = append(in.Notes, fmt.Sprintf("a %s could not be encoded: %v", kind, err))
		return nil
	}
	o, err := object.Decode(apiVersion, kind, data)
	if err != nil || o == nil {
		if err != nil {
			in.Notes = append(in.Notes, fmt.Sprintf("a %s could not be read: %v", kind, err))
		}
		return nil
	}
	in.Objects = append(in.Objects, o)
	return o
}

// controllerOf is an object's controlling owner reference.
func controllerOf(refs []metav1.OwnerReference) *metav1.OwnerReference {
	for i := range refs {
		if refs[i].Controller != nil && *refs[i].Controller {
			return &refs[i]
		}
	}
	return nil
}

// resolve turns pods and controllers into workloads: each pod goes to the controller at
// the top of its ownerReferences that the cluster has; a controller owned by another one
// (a Deployment's ReplicaSets, a CronJob's Jobs) is advised as that one.
func (ws *workloadsRead) resolve(in *Input) {
	byUID := map[types.UID]*liveWorkload{}
	for i := range ws.workloads {
		byUID[ws.workloads[i].meta.UID] = &ws.workloads[i]
	}
	top := func(w *liveWorkload) *liveWorkload {
		for range 8 {
			ref := controllerOf(w.owners)
			if ref == nil {
				return w
			}
			up := byUID[ref.UID]
			if up == nil {
				return w
			}
			w = up
		}
		return w
	}
	objs := map[*liveWorkload]*object.Object{}
	for i := range ws.workloads {
		w := &ws.workloads[i]
		if top(w) != w {
			continue
		}
		o := in.addTyped(apiVersionOf(w.kind), w.kind, w.typed)
		if o == nil {
			continue
		}
		o.Origin = "cluster " + w.kind
		if ref := controllerOf(w.owners); ref != nil {
			o.Origin = fmt.Sprintf("cluster %s, owned by %s %s", w.kind, ref.Kind, ref.Name)
		}
		objs[w] = o
	}
	// Pods without a controller the cluster has are workloads of their own; pods of one
	// unknown owner (a custom controller) are one workload, judged on every pod.
	byOwner := map[types.UID]*object.Object{}
	sort.Slice(ws.pods, func(i, j int) bool {
		if ws.pods[i].Namespace != ws.pods[j].Namespace {
			return ws.pods[i].Namespace < ws.pods[j].Namespace
		}
		return ws.pods[i].Name < ws.pods[j].Name
	})
	for i := range ws.pods {
		p := &ws.pods[i]
		ref := controllerOf(p.OwnerReferences)
		if ref != nil {
			if w := byUID[ref.UID]; w != nil {
				o := objs[top(w)]
				if o != nil {
					in.Observed[o] = append(in.Observed[o], ObservedPod{Name: p.Name, Spec: p.Spec})
				}
				continue
			}
			if o := byOwner[ref.UID]; o != nil {
				in.Observed[o] = append(in.Observed[o], ObservedPod{Name: p.Name, Spec: p.Spec})
				continue
			}
		}
		o := in.addTyped("v1", "Pod", p)
		if o == nil {
			continue
		}
		o.Origin = "cluster Pod"
		if ref != nil {
			o.Origin = fmt.Sprintf("cluster Pod, owned by %s %s", ref.Kind, ref.Name)
			byOwner[ref.UID] = o
		}
	}
}
