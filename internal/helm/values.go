package helm

import (
	"fmt"
	"strconv"
	"strings"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"
)

// slotKind says which input an unknown slot stands for.
type slotKind int

const (
	slotSet          slotKind = iota // set[i].value
	slotSetSensitive                 // set_sensitive[i].value
	slotListElem                     // set_list[i].value[j]
	slotList                         // set_list[i].value as a whole
	slotName                         // the release name
	slotNamespace                    // the release namespace
)

// slot is one input unknown until apply; renders give it stand-in values.
type slot struct {
	kind slotKind
	i, j int
}

// choice is the stand-in a render gives an unknown slot.
type choice uint8

const (
	choiceA     choice = iota // a string no template can expect: ekspodsec-unknown-<n>a
	choiceB                   // another one
	choiceTrue                // "true"
	choiceFalse               // "false"
	choiceNull                // "null": --set deletes the key, the chart default applies
	choiceZero                // "0"
	choiceOne                 // "1"
	choiceEmpty               // "" (an empty list for a whole set_list value)
	numChoices
)

// standInMark starts every stand-in string: what survives in a render with it is unknown.
const standInMark = "ekspodsec-unknown-"

func standIn(n int, c choice) string {
	switch c {
	case choiceA:
		return standInMark + strconv.Itoa(n) + "a"
	case choiceB:
		return standInMark + strconv.Itoa(n) + "b"
	case choiceTrue:
		return "true"
	case choiceFalse:
		return "false"
	case choiceNull:
		return "null"
	case choiceZero:
		return "0"
	case choiceOne:
		return "1"
	}
	return ""
}

// variant is one way to fill the unknown slots (choices[k] for slot k); alter replaces
// every sensitive input by a different value of the same shape, only (when set) that one
// input entry.
type variant struct {
	choices []choice
	alter   bool
	only    *entryRef
}

// entryRef names one input entry: "values", "set", "set_list" or "set_sensitive" and its
// index.
type entryRef struct {
	attr string
	i    int
}

func (e entryRef) String() string { return e.attr + "[" + strconv.Itoa(e.i) + "]" }

func (v variant) alters(attr string, i int) bool {
	return v.only != nil && v.only.attr == attr && v.only.i == i
}

// inputs are a release's values, parsed once and combined per variant.
type inputs struct {
	r     *Release
	docs  []map[string]any // nil for a document the provider skips (null, "")
	slots []slot
	// slotAt finds the slot of an unknown input.
	slotAt    map[slot]int
	secrets   []string
	entries   []entryRef // the known input entries, for origins
	sensitive bool       // some input is sensitive
}

// prepareInputs parses the values documents and lists the unknown slots. An input that
// decides the shape of everything (a whole values document) fails here when unknown.
func prepareInputs(r *Release) (*inputs, error) {
	in := &inputs{r: r, slotAt: map[slot]int{}}
	add := func(s slot) {
		in.slotAt[s] = len(in.slots)
		in.slots = append(in.slots, s)
	}
	if !r.Name.Known {
		add(slot{kind: slotName})
	}
	if !r.Namespace.Known {
		add(slot{kind: slotNamespace})
	}
	in.docs = make([]map[string]any, len(r.Values))
	for i, v := range r.Values {
		if !v.Known {
			return nil, newError(ReasonUnknownInput, nil,
				"values document %d is not known until apply (one unknown value inside makes the whole document unknown), so the chart cannot be rendered", i+1)
		}
		if v.Sensitive {
			in.sensitive = true
		}
		if v.Value == "" {
			continue
		}
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(v.Value), &m); err != nil {
			if v.Sensitive {
				return nil, newError(ReasonInvalidValues, nil, "values document %d (sensitive) is not a YAML map", i+1)
			}
			return nil, newError(ReasonInvalidValues, nil, "values document %d is not a YAML map: %s", i+1, err)
		}
		if m == nil {
			m = map[string]any{}
		}
		if v.Sensitive {
			collectStrings(m, &in.secrets)
		}
		in.docs[i] = m
	}
	for i, s := range r.Set {
		if err := checkType("set", i, s); err != nil {
			return nil, err
		}
		if !s.Value.Known {
			add(slot{kind: slotSet, i: i})
		} else if s.Value.Sensitive {
			in.sensitive = true
			in.secrets = append(in.secrets, s.Value.Value)
		}
	}
	for i, l := range r.SetList {
		if !l.Known {
			add(slot{kind: slotList, i: i})
			continue
		}
		for j, e := range l.Values {
			if !e.Known {
				add(slot{kind: slotListElem, i: i, j: j})
			} else if e.Sensitive {
				in.sensitive = true
				in.secrets = append(in.secrets, e.Value)
			}
		}
	}
	for i, s := range r.SetSensitive {
		if err := checkType("set_sensitive", i, s); err != nil {
			return nil, err
		}
		if !s.Value.Known {
			add(slot{kind: slotSetSensitive, i: i})
		} else {
			in.sensitive = true
			in.secrets = append(in.secrets, s.Value.Value)
		}
	}
	in.secrets = append(in.secrets, r.Auth.Password)
	in.secrets = cleanSecrets(in.secrets)
	for i, v := range r.Values {
		if v.Known && v.Value != "" {
			in.entries = append(in.entries, entryRef{"values", i})
		}
	}
	for i, s := range r.Set {
		if s.Value.Known {
			in.entries = append(in.entries, entryRef{"set", i})
		}
	}
	for i, l := range r.SetList {
		if l.Known && len(l.Values) > 0 {
			in.entries = append(in.entries, entryRef{"set_list", i})
		}
	}
	for i, s := range r.SetSensitive {
		if s.Value.Known {
			in.entries = append(in.entries, entryRef{"set_sensitive", i})
		}
	}
	return in, nil
}

func checkType(attr string, i int, s Set) error {
	switch s.Type {
	case "", "auto", "string", "literal":
		return nil
	}
	return newError(ReasonInvalidValues, nil, "%s[%d] (name %q) has type %q: the provider accepts auto, string and literal", attr, i, s.Name, s.Type)
}

// values computes the values the provider passes to Helm for one variant: the values
// documents deep-merged in order, then set, set_list and set_sensitive (see the
// provider's getValues).
func (in *inputs) values(v variant) (map[string]any, error) {
	base := map[string]any{}
	for i, d := range in.docs {
		if d == nil {
			continue
		}
		doc := deepCopy(d).(map[string]any)
		if (v.alter && in.r.Values[i].Sensitive) || v.alters("values", i) {
			doc = alterTree(doc).(map[string]any)
		}
		base = mergeMaps(base, doc)
	}
	for i, s := range in.r.Set {
		val, sens := in.setValue(slot{kind: slotSet, i: i}, s.Value, v, v.alters("set", i))
		if err := applySet(base, s, val); err != nil {
			return nil, setError("set", i, s, sens, err)
		}
	}
	for i, l := range in.r.SetList {
		elems := in.listValue(i, l, v)
		if err := strvalsParse(fmt.Sprintf("%s={%s}", l.Name, strings.Join(elems, ",")), base, false); err != nil {
			sens := false
			for _, e := range l.Values {
				sens = sens || e.Sensitive
			}
			if sens {
				return nil, newError(ReasonInvalidValues, nil, "set_list[%d] (name %q) does not parse as Helm --set name={...}", i, l.Name)
			}
			return nil, newError(ReasonInvalidValues, nil, "set_list[%d] (name %q) does not parse as Helm --set name={...}: %s", i, l.Name, err)
		}
	}
	for i, s := range in.r.SetSensitive {
		val, _ := in.setValue(slot{kind: slotSetSensitive, i: i}, s.Value, v, v.alters("set_sensitive", i))
		if err := applySet(base, s, val); err != nil {
			return nil, setError("set_sensitive", i, s, true, err)
		}
	}
	return base, nil
}

func setError(attr string, i int, s Set, sensitive bool, err error) error {
	if sensitive {
		return newError(ReasonInvalidValues, nil, "%s[%d] (name %q) does not parse as Helm --set", attr, i, s.Name)
	}
	return newError(ReasonInvalidValues, nil, "%s[%d] (name %q) does not parse as Helm --set: %s", attr, i, s.Name, err)
}

// setValue returns the text a set entry gets in variant v and whether it is sensitive.
func (in *inputs) setValue(key slot, val Value, v variant, alter bool) (string, bool) {
	if !val.Known {
		return standIn(in.slotAt[key], v.choices[in.slotAt[key]]), false
	}
	sens := val.Sensitive || key.kind == slotSetSensitive
	if (sens && v.alter) || alter {
		return alterText(val.Value), true
	}
	return val.Value, sens
}

// listValue returns the elements of set_list entry i in variant v. Null elements are
// dropped, as the provider does.
func (in *inputs) listValue(i int, l SetList, v variant) []string {
	if !l.Known {
		n := in.slotAt[slot{kind: slotList, i: i}]
		switch c := v.choices[n]; c {
		case choiceEmpty:
			return nil
		case choiceB:
			return []string{standIn(n, choiceB), standIn(n, choiceB) + "x"}
		default:
			return []string{standIn(n, c)}
		}
	}
	out := make([]string, 0, len(l.Values))
	for j, e := range l.Values {
		switch {
		case !e.Known:
			n := in.slotAt[slot{kind: slotListElem, i: i, j: j}]
			out = append(out, standIn(n, v.choices[n]))
		case (e.Sensitive && v.alter) || v.alters("set_list", i):
			out = append(out, alterText(e.Value))
		default:
			out = append(out, e.Value)
		}
	}
	return out
}

// applySet is the provider's getValue: --set, --set-string or a YAML literal.
func applySet(base map[string]any, s Set, value string) error {
	switch s.Type {
	case "", "auto":
		return strvalsParse(fmt.Sprintf("%s=%s", s.Name, value), base, false)
	case "string":
		return strvalsParse(fmt.Sprintf("%s=%s", s.Name, value), base, true)
	case "literal":
		var literal any
		if err := yaml.Unmarshal([]byte(fmt.Sprintf("%s: %s", s.Name, value)), &literal); err != nil {
			return err
		}
		if m, ok := literal.(map[string]any); ok {
			base[s.Name] = m[s.Name]
		} else {
			base[s.Name] = literal
		}
		return nil
	}
	return fmt.Errorf("unexpected type %q", s.Type)
}

// strvalsParse runs Helm's --set parser, turning a panic on hostile input into an error.
func strvalsParse(line string, base map[string]any, asString bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the --set parser failed: %v", r)
		}
	}()
	if asString {
		return strvals.ParseIntoString(line, base)
	}
	return strvals.ParseInto(line, base)
}

// mergeMaps is the provider's mergeMaps: maps merge key by key, anything else is
// replaced by b's value.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vMap, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bvMap, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bvMap, vMap)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			out[k] = deepCopy(c)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = deepCopy(c)
		}
		return out
	}
	return v
}

// alterText returns a different value of the same kind: true/false swapped, an integer
// changed, any other string changed in every letter and digit (same length, so that a
// template that cuts or hashes it still renders something different).
func alterText(s string) string {
	switch strings.ToLower(s) {
	case "true":
		return "false"
	case "false":
		return "true"
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && (s == "0" || s[0] != '0') {
		return strconv.FormatInt(n+1, 10)
	}
	return rotate(s)
}

func rotate(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c < 'z', c >= 'A' && c < 'Z', c >= '0' && c < '9':
			b[i] = c + 1
		case c == 'z':
			b[i] = 'a'
		case c == 'Z':
			b[i] = 'A'
		case c == '9':
			b[i] = '0'
		}
	}
	if string(b) == s {
		return s + "x"
	}
	return string(b)
}

// alterTree changes every leaf of a sensitive values document (keys are kept: they are
// the document's structure).
func alterTree(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = alterTree(c)
		}
		return t
	case []any:
		for i, c := range t {
			t[i] = alterTree(c)
		}
		return t
	case string:
		return rotate(t)
	case bool:
		return !t
	case float64:
		return t + 1
	case int64:
		return t + 1
	}
	return v
}

func collectStrings(v any, out *[]string) {
	switch t := v.(type) {
	case map[string]any:
		for _, c := range t {
			collectStrings(c, out)
		}
	case []any:
		for _, c := range t {
			collectStrings(c, out)
		}
	case string:
		*out = append(*out, t)
	case float64:
		*out = append(*out, strconv.FormatFloat(t, 'f', -1, 64))
	}
}

// cleanSecrets drops empty and duplicate strings and sorts the rest longest first.
func cleanSecrets(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sortLongestFirst(out)
	return out
}
