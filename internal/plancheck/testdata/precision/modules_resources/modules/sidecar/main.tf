# A module around the app module: limits may be null (no limits), requests are never set
# here (a limit counts as the request).
variable "name" {
  type = string
}

variable "image" {
  type = string
}

variable "limits" {
  type    = map(string)
  default = null
}

module "workload" {
  source    = "../app"
  name      = var.name
  namespace = "mesh"
  image     = var.image
  resources = {
    requests = {}
    limits   = var.limits == null ? {} : var.limits
  }
}
