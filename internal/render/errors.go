package render

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// FieldError is a problem with one input field. Path names it from the data source's
// root: attribute names (strings), list indexes (ints) and map keys (MapKey), so the
// provider can point its diagnostic at the attribute.
type FieldError struct {
	Path []any
	Msg  string
}

// MapKey is a map key in a FieldError path.
type MapKey string

func (e FieldError) Error() string {
	var b strings.Builder
	for _, p := range e.Path {
		switch v := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case MapKey:
			fmt.Fprintf(&b, "[%s]", profile.Quote(string(v)))
		}
	}
	if b.Len() == 0 {
		return e.Msg
	}
	return b.String() + ": " + e.Msg
}

// FieldErrors is every problem found, reported together.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	var s []string
	for _, e := range es {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

// add appends err to es: its FieldErrors when it has them, or else one error without a
// path. A nil err adds nothing.
func (es *FieldErrors) add(err error) {
	if err == nil {
		return
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		*es = append(*es, fe...)
		return
	}
	*es = append(*es, FieldError{Msg: err.Error()})
}
