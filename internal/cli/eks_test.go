package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/awstest"
)

type jsonReport struct {
	Findings []struct {
		RuleID  string `json:"rule_id"`
		Status  string `json:"status"`
		Address string `json:"address"`
		Message string `json:"message"`
	} `json:"findings"`
	Fargate []struct {
		Address  string  `json:"address"`
		Profile  string  `json:"profile"`
		VCPU     float64 `json:"vcpu"`
		MemoryGB float64 `json:"memory_gb"`
		Note     string  `json:"note"`
	} `json:"fargate"`
}

func decode(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return r
}

func hasFinding(r jsonReport, rule, status, addr string) bool {
	for _, f := range r.Findings {
		if f.RuleID == rule && f.Status == status && (addr == "" || f.Address == addr) {
			return true
		}
	}
	return false
}

// TestLiveEKSCluster: plan-check reads version and Fargate profiles from a real local EKS
// API and judges the plan with them.
func TestLiveEKSCluster(t *testing.T) {
	endpoint := awstest.StartMoto(t)
	awstest.Env(t, endpoint, "us-east-1")
	awstest.CreateCluster(t, "prod", "1.29", map[string][]ekstypes.FargateProfileSelector{
		"apps":  {{Namespace: aws.String("fargate-apps")}},
		"batch": {{Namespace: aws.String("batch"), Labels: map[string]string{"compute": "fargate"}}},
	})
	awstest.CreateCluster(t, "legacy", "1.24", nil)

	// Fargate: the plan's deployment in fargate-apps is selected by the live profile.
	code, out, errs := run(t, "", "plan-check", "--source", "", "--format", "json", "--eks-cluster", "prod", filepath.Join(fixtures, "fargate_violating.json"))
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := decode(t, out)
	if !hasFinding(r, "EPS019", "fail", "kubernetes_deployment_v1.fargate_bad") {
		t.Errorf("EPS019 from the live profile missing: %+v", r.Findings)
	}
	for _, f := range r.Findings {
		if f.RuleID == "EPS019" && !strings.Contains(f.Message, `"apps"`) {
			t.Errorf("EPS019 must name the profile: %s", f.Message)
		}
	}
	sized := false
	for _, p := range r.Fargate {
		if p.Address == "kubernetes_deployment_v1.fargate_bad" && p.Profile == "apps" && p.VCPU == 0.25 && p.MemoryGB == 0.5 {
			sized = true
		}
		if p.Address == "kubernetes_daemon_set_v1.fargate_ds" && !strings.Contains(p.Note, "DaemonSets never run on Fargate") {
			t.Errorf("daemon set sizing note %+v", p)
		}
	}
	if !sized {
		t.Errorf("fargate sizing %+v", r.Fargate)
	}
	if strings.Contains(out+errs, awstest.Secret) {
		t.Error("the secret key appears in the output")
	}

	// Version: a PSP on a 1.29 cluster fails at apply (EPS110); on 1.24 it does not.
	_, out, _ = run(t, "", "plan-check", "--source", "", "--format", "json", "--eks-cluster", "prod", filepath.Join(fixtures, "augmented_psp_rbac.json"))
	if !hasFinding(decode(t, out), "EPS110", "fail", "kubernetes_manifest.psp_restricted") {
		t.Error("EPS110 missing for a 1.29 cluster")
	}
	_, out, _ = run(t, "", "plan-check", "--source", "", "--format", "json", "--eks-cluster", "legacy", filepath.Join(fixtures, "augmented_psp_rbac.json"))
	if r := decode(t, out); hasFinding(r, "EPS110", "fail", "") || hasFinding(r, "EPS110", "unknown", "") {
		t.Error("EPS110 on a 1.24 cluster")
	}

	// An unknown cluster is exit 2 with a clear reason.
	code, _, errs = run(t, "", "plan-check", "--source", "", "--eks-cluster", "nope", filepath.Join(fixtures, "fargate_violating.json"))
	if code != ExitUsage || !strings.Contains(errs, `EKS cluster "nope" not found in region us-east-1`) {
		t.Errorf("unknown cluster: exit %d %q", code, errs)
	}
}

// TestLiveEKSThrottling: throttled calls are retried with backoff.
func TestLiveEKSThrottling(t *testing.T) {
	endpoint := awstest.StartMoto(t)
	awstest.Env(t, endpoint, "us-east-1")
	awstest.CreateCluster(t, "prod", "1.31", nil)
	target, _ := url.Parse(endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var calls atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "ThrottlingException")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"Rate exceeded"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("AWS_ENDPOINT_URL", "http://"+l.Addr().String())

	code, out, errs := run(t, "", "plan-check", "--source", "", "--format", "json", "--eks-cluster", "prod", filepath.Join(fixtures, "augmented_psp_rbac.json"))
	if code == ExitUsage {
		t.Fatalf("throttling was not retried: %s", errs)
	}
	if calls.Load() < 3 || !hasFinding(decode(t, out), "EPS110", "fail", "") {
		t.Errorf("calls %d, EPS110 expected after retries", calls.Load())
	}
}

// TestLiveEKSErrors: missing credentials and access denied are exit 2 with a reason that
// says what to do, and no credential is printed.
func TestLiveEKSErrors(t *testing.T) {
	// moto with authentication enforced from the first call: unknown keys are refused
	endpoint := awstest.StartMoto(t, "INITIAL_NO_AUTH_ACTION_COUNT=0")
	awstest.Env(t, endpoint, "us-east-1")
	code, out, errs := run(t, "", "plan-check", "--source", "", "--eks-cluster", "prod", filepath.Join(fixtures, "fargate_violating.json"))
	if code != ExitUsage || !strings.Contains(errs, "access denied calling eks:DescribeCluster") {
		t.Errorf("access denied: exit %d %q", code, errs)
	}
	if strings.Contains(out+errs, awstest.Secret) || strings.Contains(out+errs, awstest.AccessKey) {
		t.Error("a credential appears in the output")
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, _, errs = run(t, "", "plan-check", "--source", "", "--eks-cluster", "prod", filepath.Join(fixtures, "fargate_violating.json"))
	if code != ExitUsage || !strings.Contains(errs, "no AWS credentials found") {
		t.Errorf("missing credentials: exit %d %q", code, errs)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("not one line: %q", errs)
	}
	if code, _, errs := run(t, "", "plan-check", "--region", "eu-west-1", filepath.Join(fixtures, "fargate_violating.json")); code != ExitUsage || !strings.Contains(errs, "--eks-cluster") {
		t.Errorf("--region alone: exit %d %q", code, errs)
	}
}

// TestLiveEKSQuietSDK: the AWS SDK's own warnings (here: a response whose Date header
// does not parse, which it reports through its logger, by default on the process's
// stderr) add nothing to the output: a clean run has an empty stderr, and an exit 2 has
// its one line.
func TestLiveEKSQuietSDK(t *testing.T) {
	endpoint := awstest.StartMoto(t)
	awstest.Env(t, endpoint, "us-east-1")
	awstest.CreateCluster(t, "prod", "1.29", nil)
	target, _ := url.Parse(endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		r.Header.Set("Date", "not a date")
		return nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	env := []string{"AWS_ENDPOINT_URL=http://" + l.Addr().String()}

	code, out, errs := runBinary(t, env, "", "plan-check", "--source", "", "--format", "json", "--eks-cluster", "prod", filepath.Join(fixtures, "augmented_psp_rbac.json"))
	if code != ExitFindings || !hasFinding(decode(t, out), "EPS110", "fail", "") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if errs != "" {
		t.Errorf("stderr of a clean run: %q", errs)
	}
	code, _, errs = runBinary(t, env, "", "plan-check", "--source", "", "--eks-cluster", "nope", filepath.Join(fixtures, "augmented_psp_rbac.json"))
	if code != ExitUsage || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `EKS cluster "nope" not found`) {
		t.Errorf("exit %d, stderr %q: want exit 2 and one line", code, errs)
	}
}
