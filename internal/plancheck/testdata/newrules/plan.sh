#!/usr/bin/env bash
# Re-make the plans of these cases: Terraform 1.11.4 and hashicorp/kubernetes 3.2.1 from
# the offline mirror (/work/tfmirror), each case planned in a scratch copy with the dummy
# endpoint and -refresh=false; cases with augment.py get plan.terraform.json (Terraform's
# own output) and plan.json (augmented), the others plan.json.
#   plan.sh [CASE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ -f ${TF_CLI_CONFIG_FILE:-} ]] || export TF_CLI_CONFIG_FILE=/work/tfmirror/terraformrc
export TF_PLUGIN_CACHE_DIR=${TF_PLUGIN_CACHE_DIR:-$HOME/.cache/ekspodsec/tf-plugins}
mkdir -p "$TF_PLUGIN_CACHE_DIR"
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || mapfile -t cases < <(cd "$here" && ls -d */ | tr -d /)
for c in "${cases[@]}"; do
  work=$(mktemp -d)
  cp "$here/$c"/*.tf "$work/"
  (cd "$work" && terraform init -input=false -no-color >/dev/null && terraform plan -refresh=false -input=false -no-color -out=p >/dev/null)
  if [[ -f "$here/$c/augment.py" ]]; then
    (cd "$work" && terraform show -json p) > "$here/$c/plan.terraform.json"
    python3 "$here/$c/augment.py" "$here/$c"
  else
    (cd "$work" && terraform show -json p) > "$here/$c/plan.json"
  fi
  rm -rf "$work"
  echo "planned $c"
done
