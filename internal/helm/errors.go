package helm

import (
	"errors"
	"fmt"
)

// Reason says why a release could not be rendered. Every reason costs that release only:
// the caller reports it as unknown, never as compliant.
type Reason string

const (
	// ReasonUnknownInput: an input that decides what is rendered (a whole values
	// document, a set name, the chart) is not known until apply.
	ReasonUnknownInput Reason = "unknown-input"
	// ReasonChartNotFound: no chart at the local path, in the repository or registry.
	ReasonChartNotFound Reason = "chart-not-found"
	// ReasonVersionNotFound: the chart exists but not in the requested version.
	ReasonVersionNotFound Reason = "version-not-found"
	// ReasonRepositoryAlias: the repository is a `helm repo add` name, not a URL.
	ReasonRepositoryAlias Reason = "repository-alias"
	// ReasonUnreachable: the repository or registry did not answer in time, refused the
	// connection or failed (5xx).
	ReasonUnreachable Reason = "unreachable"
	// ReasonUnauthorized: the repository or registry refused the credentials (401/403).
	ReasonUnauthorized Reason = "unauthorized"
	// ReasonOffline: the chart is not in the cache and network access is forbidden.
	ReasonOffline Reason = "offline"
	// ReasonInvalidChart: the archive or directory is not a chart Helm can load, or a
	// dependency is missing from charts/.
	ReasonInvalidChart Reason = "invalid-chart"
	// ReasonInvalidValues: a values document, set or set_list entry does not parse.
	ReasonInvalidValues Reason = "invalid-values"
	// ReasonRenderFailed: the chart does not render with these values (a template error,
	// a `required` value missing, a schema violation, output that is not Kubernetes YAML).
	ReasonRenderFailed Reason = "render-failed"
)

// Error is a release that cannot be rendered. Its message names the release and the
// cause and never holds a secret: no credential, no sensitive value, no error text that
// could quote one.
type Error struct {
	Address string
	Reason  Reason
	// Detail is the user-facing explanation (without the address).
	Detail string
	err    error
}

func (e *Error) Error() string {
	if e.Address == "" {
		return e.Detail
	}
	return e.Address + ": " + e.Detail
}

// Unwrap returns the cause when it holds nothing secret (network and file errors); nil
// when the cause could quote a sensitive value.
func (e *Error) Unwrap() error { return e.err }

// UnknownInputError is the error for a release that cannot be rendered because an input
// that decides what is rendered is unknown until apply (the adapter uses it for a set name,
// chart, repository or version the plan does not know).
func UnknownInputError(address, what string) error {
	return &Error{Address: address, Reason: ReasonUnknownInput,
		Detail: fmt.Sprintf("%s is not known until apply, so the chart cannot be rendered", what)}
}

// ReasonOf returns the reason of a render error, "" for other errors.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func newError(reason Reason, cause error, format string, args ...any) *Error {
	return &Error{Reason: reason, Detail: fmt.Sprintf(format, args...), err: cause}
}
