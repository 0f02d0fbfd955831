package eks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// LiveOptions say which cluster to read and how.
type LiveOptions struct {
	Cluster string
	// Region overrides the region of the standard configuration chain (AWS_REGION,
	// the shared config's profile, ...).
	Region string
	// Profile selects a shared-config profile ("" = AWS_PROFILE or default).
	Profile string
	// Timeout bounds the whole exchange (default 60 s); each attempt is bounded too.
	Timeout time.Duration
}

// FromAPI reads a cluster's version and Fargate profiles from the EKS API
// (DescribeCluster, ListFargateProfiles, DescribeFargateProfile), with the standard AWS
// configuration chain for credentials and region, AWS_ENDPOINT_URL support, retries with
// backoff on throttling, and timeouts. Errors explain themselves (missing credentials,
// access denied, unknown cluster) and never carry a credential.
func FromAPI(ctx context.Context, o LiveOptions) (Cluster, []FargateProfile, error) {
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	loaders := []func(*config.LoadOptions) error{
		// The SDK's own warnings (a malformed Date header, a deprecated endpoint, ...)
		// go to os.Stderr by default, where they would add lines to plan-check's
		// one-line errors: errors are returned and explained, nothing is logged.
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
		config.WithLogConfigurationWarnings(false),
		config.WithRetryMaxAttempts(6),
		config.WithRetryMode(aws.RetryModeStandard), // exponential backoff with jitter, throttling retried
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(15 * time.Second).WithTransportOptions(func(t *http.Transport) {
			t.ResponseHeaderTimeout = 15 * time.Second
		})),
	}
	if o.Region != "" {
		loaders = append(loaders, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		loaders = append(loaders, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return Cluster{}, nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return Cluster{}, nil, errors.New("no AWS region: pass --region or set AWS_REGION")
	}
	client := eks.NewFromConfig(cfg)
	source := "eks:" + o.Cluster + " (" + cfg.Region + ")"

	out, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(o.Cluster)})
	if err != nil {
		return Cluster{}, nil, explain(err, "DescribeCluster", o.Cluster, cfg.Region)
	}
	c := Cluster{Name: o.Cluster, Version: aws.ToString(out.Cluster.Version), Source: source}

	var profiles []FargateProfile
	pages := eks.NewListFargateProfilesPaginator(client, &eks.ListFargateProfilesInput{ClusterName: aws.String(o.Cluster)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return Cluster{}, nil, explain(err, "ListFargateProfiles", o.Cluster, cfg.Region)
		}
		for _, name := range page.FargateProfileNames {
			p, err := client.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{
				ClusterName: aws.String(o.Cluster), FargateProfileName: aws.String(name),
			})
			if err != nil {
				return Cluster{}, nil, explain(err, "DescribeFargateProfile", o.Cluster, cfg.Region)
			}
			profiles = append(profiles, fromAPIProfile(p.FargateProfile, source))
		}
	}
	return c, profiles, nil
}

func fromAPIProfile(p *ekstypes.FargateProfile, source string) FargateProfile {
	fp := FargateProfile{Name: aws.ToString(p.FargateProfileName), ClusterName: aws.ToString(p.ClusterName), Source: source}
	for _, s := range p.Selectors {
		sel := Selector{Namespace: aws.ToString(s.Namespace), Labels: map[string]string{}}
		for k, v := range s.Labels {
			sel.Labels[k] = v
		}
		fp.Selectors = append(fp.Selectors, sel)
	}
	return fp
}

// explain turns an EKS API error into a message a CI owner can act on.
func explain(err error, op, cluster, region string) error {
	var notFound *ekstypes.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return fmt.Errorf("EKS cluster %q not found in region %s (%s)", cluster, region, op)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException":
			return fmt.Errorf("access denied calling eks:%s on cluster %q (%s): the identity needs eks:DescribeCluster, eks:ListFargateProfiles and eks:DescribeFargateProfile",
				op, cluster, apiErr.ErrorCode())
		}
		return fmt.Errorf("eks:%s on cluster %q failed: %s: %s", op, cluster, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && (respErr.HTTPStatusCode() == http.StatusForbidden || respErr.HTTPStatusCode() == http.StatusUnauthorized) {
		return fmt.Errorf("access denied calling eks:%s on cluster %q (HTTP %d): the identity needs eks:DescribeCluster, eks:ListFargateProfiles and eks:DescribeFargateProfile",
			op, cluster, respErr.HTTPStatusCode())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("eks:%s on cluster %q timed out", op, cluster)
	}
	if isNoCredentials(err) {
		return fmt.Errorf("no AWS credentials found (environment, shared config or profile, SSO, web identity, instance role) to call eks:%s: configure them", op)
	}
	return fmt.Errorf("eks:%s on cluster %q: %w", op, cluster, err)
}

// isNoCredentials recognises the credential chain's "no valid providers" failure.
func isNoCredentials(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if containsAny(msg, "failed to retrieve credentials", "no EC2 IMDS role found", "get credentials: failed to refresh cached credentials") {
			return true
		}
	}
	return false
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
