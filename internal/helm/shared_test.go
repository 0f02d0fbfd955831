package helm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The plans in testdata/shared/plans were made by Terraform with the real hashicorp/helm
// provider (copied from the shared fixtures; see their README). planReleases reads their
// helm_release changes the way the plan adapter is meant to (after, after_unknown,
// after_sensitive), so that the engine is tested on real plan shapes.

type planChange struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Change  struct {
		Actions        []string `json:"actions"`
		Before         any      `json:"before"`
		After          any      `json:"after"`
		AfterUnknown   any      `json:"after_unknown"`
		AfterSensitive any      `json:"after_sensitive"`
	} `json:"change"`
}

func planReleases(t *testing.T, file string) map[string]Release {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "shared", "plans", file))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ResourceChanges []planChange `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	out := map[string]Release{}
	for _, rc := range p.ResourceChanges {
		if rc.Type != "helm_release" || slices.Equal(rc.Change.Actions, []string{"delete"}) {
			continue
		}
		out[rc.Address] = releaseFromChange(rc)
	}
	return out
}

// at walks a JSON tree by keys and indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func releaseFromChange(rc planChange) Release {
	a, u, s := rc.Change.After, rc.Change.AfterUnknown, rc.Change.AfterSensitive
	val := func(path ...any) Value {
		str, _ := at(a, path...).(string)
		return Value{Value: str, Known: at(u, path...) != true, Sensitive: at(s, path...) == true}
	}
	str := func(k string) string { x, _ := at(a, k).(string); return x }
	flag := func(k string) bool { x, _ := at(a, k).(bool); return x }
	r := Release{
		Address: rc.Address, Name: val("name"), Namespace: val("namespace"),
		Chart: str("chart"), Repository: str("repository"), Version: str("version"), Devel: flag("devel"),
		Auth: RepoAuth{Username: str("repository_username"), Password: str("repository_password"),
			CAFile: str("repository_ca_file"), CertFile: str("repository_cert_file"), KeyFile: str("repository_key_file"),
			PassCredentials: flag("pass_credentials")},
		CreateNamespace: flag("create_namespace"), SkipCRDs: flag("skip_crds"), DisableHooks: flag("disable_webhooks"),
		Upgrade: rc.Change.Before != nil,
	}
	vs, _ := at(a, "values").([]any)
	for i := range vs {
		r.Values = append(r.Values, val("values", i))
	}
	sets := func(attr string) []Set {
		l, _ := at(a, attr).([]any)
		var out []Set
		for i := range l {
			name, _ := at(a, attr, i, "name").(string)
			typ, _ := at(a, attr, i, "type").(string)
			out = append(out, Set{Name: name, Value: val(attr, i, "value"), Type: typ})
		}
		return out
	}
	r.Set, r.SetSensitive = sets("set"), sets("set_sensitive")
	for i := range r.SetSensitive {
		r.SetSensitive[i].Value.Sensitive = true
	}
	ls, _ := at(a, "set_list").([]any)
	for i := range ls {
		name, _ := at(a, "set_list", i, "name").(string)
		e := SetList{Name: name, Known: at(u, "set_list", i, "value") != true}
		items, _ := at(a, "set_list", i, "value").([]any)
		for j := range items {
			e.Values = append(e.Values, val("set_list", i, "value", j))
		}
		r.SetList = append(r.SetList, e)
	}
	return r
}

// facts summarises the pod specs a release renders, for expectations that read like the
// fixture README's: "privileged@agent", "hostPath:/var/log", "unknown:privileged@agent".
func facts(out *Rendered) []string {
	set := map[string]bool{}
	add := func(f string) { set[f] = true }
	for _, d := range out.Documents {
		if d.Conditional {
			add("conditional:" + d.Kind())
			continue
		}
		specPath := ""
		switch d.Kind() {
		case "Deployment", "DaemonSet", "StatefulSet", "Job", "ReplicaSet":
			specPath = "spec.template.spec"
		case "CronJob":
			specPath = "spec.jobTemplate.spec.template.spec"
		case "Pod":
			specPath = "spec"
		default:
			continue
		}
		if unknownAt(&d, "metadata.namespace") {
			add("unknown:namespace")
		}
		spec, _ := get(d.Object, specPath)
		sm, _ := spec.(map[string]any)
		for _, hn := range []string{"hostNetwork", "hostPID", "hostIPC"} {
			if sm[hn] == true {
				add(hn)
			} else if unknownAt(&d, specPath+"."+hn) {
				add("unknown:" + hn)
			}
		}
		if at(sm, "securityContext", "runAsUser") == float64(0) {
			add("root")
		}
		rw := map[string]bool{}
		for _, list := range []string{"initContainers", "containers"} {
			cs, _ := sm[list].([]any)
			for i, c := range cs {
				name, _ := at(c, "name").(string)
				p := fmt.Sprintf("%s.%s[%d]", specPath, list, i)
				sc := at(c, "securityContext")
				if at(sc, "privileged") == true {
					add("privileged@" + name)
				} else if unknownAt(&d, p+".securityContext.privileged") {
					add("unknown:privileged@" + name)
				}
				if at(sc, "allowPrivilegeEscalation") == true {
					add("escalation@" + name)
				}
				if at(sc, "runAsUser") == float64(0) {
					add("root@" + name)
				}
				if l, _ := at(sc, "capabilities", "add").([]any); len(l) > 0 {
					add("caps@" + name)
				}
				if unknownAt(&d, p+".securityContext.capabilities.add") {
					add("unknown:caps@" + name)
				}
				if at(c, "resources", "limits") == nil {
					add("nolimits@" + name)
				}
				if at(c, "resources", "requests") == nil {
					add("norequests@" + name)
				}
				if unknownAt(&d, p+".image") {
					add("unknown:image@" + name)
				}
				if sensitiveAt(&d, p+".image") {
					add("sensitive:image@" + name)
				}
				ports, _ := at(c, "ports").([]any)
				for _, port := range ports {
					if at(port, "hostPort") != nil {
						add("hostPort@" + name)
					}
				}
				mounts, _ := at(c, "volumeMounts").([]any)
				for _, m := range mounts {
					if at(m, "readOnly") != true {
						n, _ := at(m, "name").(string)
						rw[n] = true
					}
				}
			}
		}
		vols, _ := sm["volumes"].([]any)
		for i, v := range vols {
			hp, _ := at(v, "hostPath", "path").(string)
			if hp == "" {
				continue
			}
			add("hostPath:" + hp)
			if n, _ := at(v, "name").(string); rw[n] {
				add("hostPath-rw:" + hp)
			}
			if sensitiveAt(&d, fmt.Sprintf("%s.volumes[%d].hostPath.path", specPath, i)) {
				add("sensitive:hostPath:" + hp)
			}
		}
		for k, v := range d.Annotations() {
			if strings.HasPrefix(k, "container.apparmor.security.beta.kubernetes.io/") && v == "unconfined" {
				add("apparmor-unconfined@" + strings.TrimPrefix(k, "container.apparmor.security.beta.kubernetes.io/"))
			}
		}
	}
	out2 := make([]string, 0, len(set))
	for f := range set {
		out2 = append(out2, f)
	}
	sort.Strings(out2)
	return out2
}

// Annotations reads the pod template's annotations (test helper).
func (d *Document) Annotations() map[string]string {
	out := map[string]string{}
	for _, p := range []string{"spec.template.metadata.annotations", "spec.jobTemplate.spec.template.metadata.annotations", "metadata.annotations"} {
		m, _ := get(d.Object, p)
		mm, _ := m.(map[string]any)
		for k, v := range mm {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

type expect struct {
	must, mustNot []string
	reason        Reason // the release cannot be rendered, for this reason
	version       string
}

func TestSharedFixturePlans(t *testing.T) {
	repo := startRepo(t, filepath.Join("testdata", "shared", "repo", "charts"), "", "")
	ociHost := startRegistryWith(t, "", "", map[string]string{
		"node-agent:0.1.0": filepath.Join("testdata", "shared", "repo", "charts", "node-agent-0.1.0.tgz"),
		"web:0.1.0":        filepath.Join("testdata", "shared", "repo", "charts", "web-0.1.0.tgz"),
	})
	plans := map[string]map[string]expect{
		"helm_local_compliant.json": {
			"helm_release.web":   {mustNot: []string{"privileged@web", "root", "root@web", "root@report", "root@migrate", "root@cache", "hostNetwork", "nolimits@web", "nolimits@cache"}},
			"helm_release.agent": {mustNot: []string{"privileged@agent", "hostNetwork", "hostPID", "hostPath:/var/log", "caps@agent"}},
		},
		"helm_local_values.json": {
			"helm_release.agent": {must: []string{"hostNetwork", "hostPath:/var/log", "root@fix-perms"},
				mustNot: []string{"privileged@agent", "hostPath-rw:/var/log", "hostPath:/var/run/containerd/containerd.sock", "nolimits@agent"}},
		},
		"helm_set_overrides.json": {
			"helm_release.agent": {must: []string{"privileged@agent", "escalation@agent", "hostPath:/var/run/containerd/containerd.sock", "hostPath-rw:/var/log", "caps@agent", "nolimits@agent", "apparmor-unconfined@agent"},
				mustNot: []string{"privileged@exporter", "escalation@exporter", "caps@exporter", "hostNetwork", "norequests@agent"}},
			"helm_release.web": {must: []string{"hostPort@web", "privileged@dind", "nolimits@dind", "norequests@dind"},
				mustNot: []string{"privileged@web", "escalation@web", "nolimits@web", "norequests@web", "hostNetwork"}},
		},
		"helm_set_sensitive.json": {
			"helm_release.web": {must: []string{"privileged@web", "escalation@web", "sensitive:image@web"}},
			"helm_release.agent": {must: []string{"hostPath:/var/run/containerd/containerd.sock", "hostPath-rw:/var/run/containerd/containerd.sock", "sensitive:hostPath:/var/run/containerd/containerd.sock"},
				mustNot: []string{"privileged@agent", "hostNetwork"}},
		},
		"helm_values_templatefile.json": {
			"helm_release.web":   {must: []string{"root@report"}, mustNot: []string{"hostNetwork", "escalation@report", "nolimits@web", "norequests@web"}},
			"helm_release.agent": {must: []string{"hostPID", "hostPath-rw:/var/run/containerd/containerd.sock"}, mustNot: []string{"privileged@agent", "nolimits@agent"}},
		},
		"helm_unknown_values.json": {
			"helm_release.unknown_tag":        {must: []string{"privileged@web", "escalation@web", "unknown:image@web"}, mustNot: []string{"nolimits@web"}},
			"helm_release.unknown_privileged": {must: []string{"unknown:privileged@agent"}, mustNot: []string{"privileged@agent"}},
			"helm_release.unknown_capability": {must: []string{"unknown:caps@agent"}, mustNot: []string{"caps@agent"}},
			"helm_release.unknown_values_doc": {reason: ReasonUnknownInput},
			"helm_release.unknown_namespace":  {must: []string{"hostPath:/var/run/containerd/containerd.sock", "unknown:namespace"}},
		},
		"helm_repository.json": {
			"helm_release.web":          {must: []string{"caps@web", "root", "escalation@cache"}, mustNot: []string{"privileged@web", "escalation@web", "root@web"}},
			"helm_release.agent_latest": {version: "0.2.0", must: []string{"hostPath:/var/log", "hostNetwork"}, mustNot: []string{"hostPath-rw:/var/log", "privileged@agent"}},
			"helm_release.agent_url":    {version: "0.1.0", must: []string{"privileged@agent", "escalation@agent"}, mustNot: []string{"hostPath:/var/log", "hostNetwork", "privileged@exporter"}},
		},
		"helm_oci.json": {
			"helm_release.agent": {must: []string{"hostPID", "hostPath-rw:/var/run/containerd/containerd.sock"}, mustNot: []string{"privileged@agent"}},
			"helm_release.web":   {must: []string{"root@migrate"}, mustNot: []string{"privileged@web", "root@web", "escalation@web"}},
		},
		"helm_module_for_each.json": {
			`module.tenant["alpha"].helm_release.this`: {mustNot: []string{"privileged@web", "escalation@web"}},
			`module.tenant["beta"].helm_release.this`:  {must: []string{"privileged@web", "escalation@web"}},
			"helm_release.agent[0]":                    {mustNot: []string{"hostNetwork"}},
			"helm_release.agent[1]":                    {must: []string{"hostNetwork"}, mustNot: []string{"privileged@agent"}},
		},
		"helm_namespace_psa.json": {
			"helm_release.agent_privileged":    {must: []string{"privileged@agent", "hostPath-rw:/var/run/containerd/containerd.sock"}},
			"helm_release.agent_in_restricted": {must: []string{"hostNetwork"}, mustNot: []string{"privileged@agent", "hostPath:/var/log"}},
			"helm_release.web_scratch":         {must: []string{"nolimits@web", "norequests@web"}},
			"helm_release.web":                 {mustNot: []string{"privileged@web", "escalation@web", "root", "root@web", "hostNetwork", "nolimits@web"}},
		},
		"helm_upgrade_escalation.json": {
			"helm_release.web": {must: []string{"privileged@web", "escalation@web", "hostNetwork"}, mustNot: []string{"nolimits@web", "norequests@web"}},
		},
	}
	memo := &Memo{}
	never := []string{"s3cr3t-build-7f3a9c", "tok-S3cr3t-99310", "pw-S3cr3t-4411"}
	for file, releases := range plans {
		t.Run(strings.TrimSuffix(file, ".json"), func(t *testing.T) {
			got := planReleases(t, file)
			for addr, want := range releases {
				r, ok := got[addr]
				if !ok {
					t.Errorf("%s: no such release in the plan", addr)
					continue
				}
				r.Repository = strings.Replace(r.Repository, "http://127.0.0.1:8879", repo.URL, 1)
				r.Repository = strings.Replace(r.Repository, "oci://127.0.0.1:5001", "oci://"+ociHost, 1)
				r.Chart = strings.Replace(r.Chart, "http://127.0.0.1:8879", repo.URL, 1)
				r.Chart = strings.Replace(r.Chart, "oci://127.0.0.1:5001", "oci://"+ociHost, 1)
				o := Options{SearchDirs: []string{filepath.Join("testdata", "shared", "plans")}, CacheDir: t.TempDir(), Memo: memo}
				out, err := Render(context.Background(), r, o)
				if err != nil {
					for _, s := range never {
						if strings.Contains(err.Error(), s) {
							t.Errorf("%s: the error prints a secret", addr)
						}
					}
				}
				if want.reason != "" {
					if ReasonOf(err) != want.reason {
						t.Errorf("%s: reason %q, want %q (%v)", addr, ReasonOf(err), want.reason, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", addr, err)
					continue
				}
				if want.version != "" && out.Version != want.version {
					t.Errorf("%s: version %s, want %s", addr, out.Version, want.version)
				}
				fs := facts(out)
				for _, f := range want.must {
					if !slices.Contains(fs, f) {
						t.Errorf("%s: missing %s (facts %v)", addr, f, fs)
					}
				}
				for _, f := range want.mustNot {
					if slices.Contains(fs, f) {
						t.Errorf("%s: unexpected %s (facts %v)", addr, f, fs)
					}
				}
				for _, w := range out.Warnings {
					for _, s := range never {
						if strings.Contains(w, s) {
							t.Errorf("%s: a warning prints a secret", addr)
						}
					}
				}
			}
		})
	}
}
