// Package awstest runs a real local AWS API for tests: moto_server on 127.0.0.1 with a
// free port, stopped by PID when the test ends (also on failure), and an EKS cluster with
// Fargate profiles created in it through aws-sdk-go-v2.
package awstest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// Test credentials: tests assert that neither ever appears in output.
const (
	AccessKey = "AKIATESTEKSPODSEC"
	Secret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	Region    = "us-east-1"
)

// StartMoto starts moto_server with extra environment (e.g. INITIAL_NO_AUTH_ACTION_COUNT=0
// to enforce authentication) and returns its endpoint.
func StartMoto(t testing.TB, env ...string) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("EKSPODSEC_SKIP_MOTO") != "" {
			t.Skip("moto_server not installed and EKSPODSEC_SKIP_MOTO is set")
		}
		t.Fatal("moto_server is not on PATH: these tests need a local AWS API (pip install 'moto[server]'), or set EKSPODSEC_SKIP_MOTO=1 to skip them")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = logf.Close()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Env points the standard AWS configuration chain at endpoint with the test credentials,
// and no shared config, profile, instance metadata or proxy. region may be "" (unset).
func Env(t *testing.T, endpoint, region string) {
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", Secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// CreateCluster creates an EKS cluster and its Fargate profiles (profile name →
// selectors) in Region, through the endpoint Env set.
func CreateCluster(t testing.TB, name, version string, profiles map[string][]ekstypes.FargateProfileSelector) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(Region))
	if err != nil {
		t.Fatal(err)
	}
	c := eks.NewFromConfig(cfg)
	_, err = c.CreateCluster(ctx, &eks.CreateClusterInput{
		Name:               aws.String(name),
		Version:            aws.String(version),
		RoleArn:            aws.String("arn:aws:iam::123456789012:role/eks-cluster"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1", "subnet-0b2"}},
	})
	if err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	for pname, sels := range profiles {
		_, err := c.CreateFargateProfile(ctx, &eks.CreateFargateProfileInput{
			ClusterName:         aws.String(name),
			FargateProfileName:  aws.String(pname),
			PodExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/eks-fargate-pods"),
			Subnets:             []string{"subnet-0a1"},
			Selectors:           sels,
		})
		if err != nil {
			t.Fatalf("CreateFargateProfile %s: %v", pname, err)
		}
	}
}
