package advise

import (
	"io"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// WriteYAML writes the manifests the advice applies, as one multi-document YAML stream,
// rendered by the same renderers as the data sources the HCL uses (its kubernetes_*
// resources receive exactly these objects).
func WriteYAML(w io.Writer, a *Advice) error {
	maps, err := a.Manifests()
	if err != nil {
		return err
	}
	if len(maps) == 0 {
		_, err := io.WriteString(w, "# advise: nothing to apply (see --report)\n")
		return err
	}
	y, err := render.YAML(maps...)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, y)
	return err
}
