package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS031",
		Peers:    []string{"CKV_K8S_35", "6d8f1a10-b6cd-48f0-b960-f7c535d5cdb8"},
		Severity: finding.Low,
		Title:    "Secret exposed as environment variables",
		Description: "A container reads a Secret into environment variables (`env[].valueFrom.secretKeyRef`, " +
			"`envFrom[].secretRef`). Environment variables are inherited by every child process, printed by crash " +
			"handlers and debug endpoints, visible in `/proc/<pid>/environ` to anything that shares the process " +
			"namespace, and they never change while the container runs: a rotated Secret needs a restart. Mounted as " +
			"a `secret` volume, the same values are files readable only by the container's user, updated in place when " +
			"the Secret changes.",
		Guide: guidePeers,
		Remediation: "Mount the Secret as a volume (volumes[].secret.secretName with a volumeMount, readOnly) and " +
			"have the application read the file, instead of env[].valueFrom.secretKeyRef or envFrom[].secretRef.",
		RemediationTyped: "Mount the Secret as a volume (volume { secret { secret_name = ... } } with a volume_mount, " +
			"read_only = true) and have the application read the file, instead of env { value_from { secret_key_ref } } " +
			"or env_from { secret_ref }.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`variables.allContainers.all(c, ` +
				`(!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef))) && ` +
				`(!has(c.envFrom) || c.envFrom.all(e, !has(e.secretRef))))`),
			Message: constant("containers must not read Secrets into environment variables: mount them as volumes")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				c := ref.C
				if in.Unknown(ref.Path + ".env") {
					out = append(out, unknown(in.P(ref.Path+".env"), in.containerName(ref), fmt.Sprintf("The environment of the %s is not known until apply: it may read Secrets.", in.describe(ref))))
				}
				for i, e := range c.Env {
					p := fmt.Sprintf("%s.env[%d]", ref.Path, i)
					switch {
					case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
						k := e.ValueFrom.SecretKeyRef
						out = append(out, fail(in.P(p+".valueFrom.secretKeyRef"), in.containerName(ref), fmt.Sprintf(
							"The %s reads key %s of Secret %s into environment variable %s.", in.describe(ref),
							in.Plain(p+".valueFrom.secretKeyRef.key", k.Key), in.Plain(p+".valueFrom.secretKeyRef.name", k.Name), in.Plain(p+".name", e.Name))))
					case e.ValueFrom == nil && (in.Unknown(p) || in.Unknown(p+".valueFrom")):
						out = append(out, unknown(in.P(p+".valueFrom"), in.containerName(ref), fmt.Sprintf("Where environment variable %s of the %s comes from is not known until apply.", in.Plain(p+".name", e.Name), in.describe(ref))))
					}
				}
				if in.Unknown(ref.Path + ".envFrom") {
					out = append(out, unknown(in.P(ref.Path+".envFrom"), in.containerName(ref), fmt.Sprintf("What the %s reads into its environment (envFrom) is not known until apply.", in.describe(ref))))
				}
				for i, e := range c.EnvFrom {
					p := fmt.Sprintf("%s.envFrom[%d]", ref.Path, i)
					switch {
					case e.SecretRef != nil:
						out = append(out, fail(in.P(p+".secretRef"), in.containerName(ref), fmt.Sprintf(
							"The %s reads every key of Secret %s into its environment.", in.describe(ref), in.Plain(p+".secretRef.name", e.SecretRef.Name))))
					case e.ConfigMapRef == nil && in.Unknown(p):
						out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("What envFrom entry %d of the %s reads is not known until apply.", i, in.describe(ref))))
					}
				}
			}
			return append(out, in.unknownContainers("environment variables")...)
		},
	})
}
