terraform {
  required_providers {
    ekspodsec = {
      source = "ekspodsec/ekspodsec"
    }
  }
}

# The provider takes no configuration: its data sources only render manifests, with no
# credentials and no network calls. Apply them with the kubernetes provider's
# kubernetes_manifest (see examples/hardened-namespace).
provider "ekspodsec" {}
