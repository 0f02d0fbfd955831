package advise

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the analysis as indented JSON.
func WriteJSON(w io.Writer, a *Advice) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}
