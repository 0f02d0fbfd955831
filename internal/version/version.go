// Package version holds the build version, stamped by the linker at release time.
package version

// These are set with -ldflags "-X .../internal/version.Version=v1.2.3" by goreleaser.
var (
	// Version is the semantic version of this build ("dev" for local builds).
	Version = "dev"
	// Commit is the git commit the build was made from.
	Commit = "none"
)
