package helm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

const (
	defaultTimeout   = 20 * time.Second
	defaultRetries   = 2
	defaultRetryWait = 250 * time.Millisecond
	// maxDownload bounds what one index or chart download may weigh.
	maxDownload = 64 << 20
)

// fetcher does a release's network requests: its TLS settings, credentials, timeouts and
// retries.
type fetcher struct {
	client    *http.Client
	auth      RepoAuth
	authURL   *url.URL // credentials go to this scheme and host (or everywhere with PassCredentials)
	timeout   time.Duration
	retries   int
	retryWait time.Duration
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return defaultTimeout
}

func (o *Options) retries() int {
	switch {
	case o.Retries < 0:
		return 0
	case o.Retries == 0:
		return defaultRetries
	}
	return o.Retries
}

func (o *Options) retryWait() time.Duration {
	if o.RetryWait > 0 {
		return o.RetryWait
	}
	return defaultRetryWait
}

// tlsConfig builds the TLS settings a release asks for (repository_ca_file, cert, key).
func tlsConfig(auth RepoAuth, resolve func(string) string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: auth.InsecureSkipTLSVerify} //nolint:gosec // only when the caller asks
	if auth.CAFile != "" {
		pem, err := os.ReadFile(resolve(auth.CAFile))
		if err != nil {
			return nil, newError(ReasonUnreachable, nil, "the repository CA file (repository_ca_file) cannot be read")
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, newError(ReasonUnreachable, nil, "the repository CA file (repository_ca_file) holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	if auth.CertFile != "" || auth.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(resolve(auth.CertFile), resolve(auth.KeyFile))
		if err != nil {
			return nil, newError(ReasonUnreachable, nil, "the repository client certificate (repository_cert_file, repository_key_file) cannot be loaded")
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func newTransport(cfg *tls.Config, timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
}

// statusError is an HTTP answer other than 200.
type statusError struct {
	code int
	url  string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s answered %d %s", e.url, e.code, http.StatusText(e.code))
}

// get downloads u, retrying network errors, 429 and 5xx answers with a doubling pause.
func (f *fetcher) get(ctx context.Context, u string) ([]byte, error) {
	var last error
	wait := f.retryWait
	for attempt := 0; attempt <= f.retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, classify(ctx.Err(), u)
			case <-time.After(wait):
			}
			wait *= 2
		}
		body, err := f.getOnce(ctx, u)
		if err == nil {
			return body, nil
		}
		last = err
		var se *statusError
		if errors.As(err, &se) && se.code != http.StatusTooManyRequests && se.code < 500 {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, classify(last, u)
}

func (f *fetcher) getOnce(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "ekspodsec-plan-check (Helm "+helmSDKVersion+")")
	if f.sendCredentials(req.URL) {
		req.SetBasicAuth(f.auth.Username, f.auth.Password)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, &statusError{code: resp.StatusCode, url: redactURL(u)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxDownload {
		return nil, fmt.Errorf("%s is larger than %d MiB", redactURL(u), maxDownload>>20)
	}
	return body, nil
}

// sendCredentials is Helm's rule: the repository's credentials go to the repository's
// scheme and host only, unless pass_credentials is set.
func (f *fetcher) sendCredentials(u *url.URL) bool {
	if f.auth.Username == "" && f.auth.Password == "" {
		return false
	}
	if f.auth.PassCredentials {
		return true
	}
	return f.authURL != nil && f.authURL.Scheme == u.Scheme && f.authURL.Host == u.Host
}

// classify turns a network failure into a release error with a reason.
func classify(err error, u string) *Error {
	var se *statusError
	switch {
	case errors.As(err, &se) && (se.code == http.StatusUnauthorized || se.code == http.StatusForbidden):
		return newError(ReasonUnauthorized, err, "%s refused the request (%d): the credentials are missing or wrong", redactURL(u), se.code)
	case errors.As(err, &se) && se.code == http.StatusNotFound:
		return newError(ReasonChartNotFound, err, "%s does not exist (404)", redactURL(u))
	case errors.As(err, &se):
		return newError(ReasonUnreachable, err, "%s", se.Error())
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return newError(ReasonUnreachable, err, "%s did not answer in time", redactURL(u))
	case errors.Is(err, context.Canceled):
		return newError(ReasonUnreachable, err, "fetching %s was cancelled", redactURL(u))
	}
	return newError(ReasonUnreachable, err, "%s cannot be reached: %s", redactURL(u), netReason(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// netReason words a network error without repeating the URL.
func netReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		if oe.Err != nil {
			return oe.Op + ": " + oe.Err.Error()
		}
	}
	return err.Error()
}

// redactURL drops user information and the query (which may carry a token).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(an invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return strings.Replace(u.String(), "?%E2%80%A6", "?…", 1)
}
