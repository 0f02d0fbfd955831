package advise

import (
	"sort"
	"strconv"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Exceptions are what one service account's workloads need beyond the restricted level,
// each with the workloads and fields that need it.
type Exceptions struct {
	// HostPaths is the smallest set of prefixes that covers every host path the workloads
	// mount: read-only where every mount under the prefix is read-only.
	HostPaths    []HostPathException `json:"host_paths,omitempty"`
	Capabilities []Exception         `json:"capabilities,omitempty"`
	HostPorts    []PortException     `json:"host_ports,omitempty"`
	// HostPortRanges are ranges of host ports (any protocol), from a PodSecurityPolicy.
	HostPortRanges []PortRangeException `json:"host_port_ranges,omitempty"`
	HostNamespaces []Exception          `json:"host_namespaces,omitempty"`
	// Privileged lists who runs privileged containers (empty: nobody).
	Privileged []NeededBy `json:"privileged,omitempty"`
}

// Exception is one value granted.
type Exception struct {
	Value    string     `json:"value"`
	NeededBy []NeededBy `json:"needed_by"`
}

// HostPathException is one host path prefix granted.
type HostPathException struct {
	PathPrefix string     `json:"path_prefix"`
	ReadOnly   bool       `json:"read_only"`
	NeededBy   []NeededBy `json:"needed_by"`
}

// PortException is one host port granted.
type PortException struct {
	Port     int32      `json:"port"`
	Protocol string     `json:"protocol"`
	NeededBy []NeededBy `json:"needed_by"`
}

// PortRangeException is a range of host ports granted.
type PortRangeException struct {
	Min      int32      `json:"min"`
	Max      int32      `json:"max"`
	NeededBy []NeededBy `json:"needed_by"`
}

// NeededBy is the workload and field that need an exception (Value is the value of the
// field when it is more specific than the exception: a host path under the prefix).
type NeededBy struct {
	Workload string `json:"workload"`
	Field    string `json:"field"`
	Value    string `json:"value,omitempty"`
}

// Empty reports whether nothing is granted.
func (e Exceptions) Empty() bool {
	return len(e.HostPaths) == 0 && len(e.Capabilities) == 0 && len(e.HostPorts) == 0 && len(e.HostPortRanges) == 0 &&
		len(e.HostNamespaces) == 0 && len(e.Privileged) == 0
}

// HostNamespaceSet is the host namespaces granted.
func (e Exceptions) HostNamespaceSet() map[string]bool {
	out := map[string]bool{}
	for _, n := range e.HostNamespaces {
		out[n.Value] = true
	}
	return out
}

// exceptionsOf merges the needs of workloads into one service account's exceptions.
func exceptionsOf(ws []*Workload) Exceptions {
	var e Exceptions
	type pathUse struct {
		readOnly bool
		by       []NeededBy
	}
	paths := map[string]*pathUse{}
	caps := map[string][]NeededBy{}
	nss := map[string][]NeededBy{}
	type portKey struct {
		port  int32
		proto string
	}
	ports := map[portKey][]NeededBy{}
	for _, w := range ws {
		id := w.ID()
		for _, hp := range w.Needs.HostPaths {
			p := hp.Path
			if clean, err := profile.CleanHostPath(p); err == nil {
				p = clean
			}
			u := paths[p]
			if u == nil {
				u = &pathUse{readOnly: true}
				paths[p] = u
			}
			u.readOnly = u.readOnly && hp.ReadOnly
			u.by = append(u.by, NeededBy{Workload: id, Field: hp.Field, Value: hp.Path})
		}
		for _, c := range w.Needs.Capabilities {
			caps[c.Value] = append(caps[c.Value], NeededBy{Workload: id, Field: c.Field})
		}
		for _, n := range w.Needs.HostNamespaces {
			nss[n.Value] = append(nss[n.Value], NeededBy{Workload: id, Field: n.Field})
		}
		for _, p := range w.Needs.HostPorts {
			k := portKey{p.Port, p.Protocol}
			ports[k] = append(ports[k], NeededBy{Workload: id, Field: p.Field})
		}
		for _, p := range w.Needs.Privileged {
			e.Privileged = append(e.Privileged, NeededBy{Workload: id, Field: p.Field, Value: "container " + p.Value})
		}
	}
	// The prefix set: shortest first, a path is covered by a kept prefix above it that
	// grants at least as much (read-write covers both; read-only covers read-only).
	list := make([]string, 0, len(paths))
	for p := range paths {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) < len(list[j])
		}
		return list[i] < list[j]
	})
	var kept []*HostPathException
	for _, p := range list {
		u := paths[p]
		var cover *HostPathException
		for _, k := range kept {
			if k.PathPrefix != p && profile.UnderPrefix(p, k.PathPrefix) && (!k.ReadOnly || u.readOnly) {
				cover = k
				break
			}
		}
		if cover != nil {
			cover.NeededBy = append(cover.NeededBy, u.by...)
			continue
		}
		kept = append(kept, &HostPathException{PathPrefix: p, ReadOnly: u.readOnly, NeededBy: u.by})
	}
	for _, k := range kept {
		sortNeededBy(k.NeededBy)
		e.HostPaths = append(e.HostPaths, *k)
	}
	sort.Slice(e.HostPaths, func(i, j int) bool { return e.HostPaths[i].PathPrefix < e.HostPaths[j].PathPrefix })
	e.Capabilities = exceptionList(caps)
	e.HostNamespaces = exceptionList(nss)
	for k, by := range ports {
		sortNeededBy(by)
		e.HostPorts = append(e.HostPorts, PortException{Port: k.port, Protocol: k.proto, NeededBy: by})
	}
	sort.Slice(e.HostPorts, func(i, j int) bool {
		if e.HostPorts[i].Port != e.HostPorts[j].Port {
			return e.HostPorts[i].Port < e.HostPorts[j].Port
		}
		return e.HostPorts[i].Protocol < e.HostPorts[j].Protocol
	})
	sortNeededBy(e.Privileged)
	return e
}

func exceptionList(m map[string][]NeededBy) []Exception {
	var out []Exception
	for v, by := range m {
		sortNeededBy(by)
		out = append(out, Exception{Value: v, NeededBy: by})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

func sortNeededBy(list []NeededBy) {
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Workload != b.Workload {
			return a.Workload < b.Workload
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Value < b.Value
	})
}

// portList renders ports for messages: "80/TCP, 443/TCP".
func portList(ports []PortException) []string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = strconv.Itoa(int(p.Port)) + "/" + p.Protocol
	}
	return out
}
