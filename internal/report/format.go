package report

import "io"

// Format is one report format: what --format names it, what the help text says of it,
// where a report of it is usually saved, and its writer.
type Format struct {
	// Name is the --format value ("sarif").
	Name string
	// Description is one line for help text.
	Description string
	// Extension is the usual file extension of a report in this format, dot included
	// (".sarif").
	Extension string
	// Write writes a report in this format.
	Write Writer
}

// Writer writes one report to w. A writer takes the whole report, so it may read the
// run's facts (summary, rules, notes) in any order and the findings in the order the
// report gives them; it holds no state between calls.
type Writer func(w io.Writer, r *Report, opt Options) error

// Options is what the caller knows about where a report goes. A writer uses what
// applies to its format and ignores the rest.
type Options struct {
	// Color allows ANSI colours (the text report); the caller decides: a terminal, and
	// NO_COLOR unset.
	Color bool
}

// DefaultFormat is the format of a run that names none, and of the report people read
// in the job's log when every other report goes to a file.
const DefaultFormat = "text"

// Formats lists every report format, DefaultFormat first. Each format's writer and its
// entry live in a file of their own (text.go, json.go, ...); this list is the only
// place that names them all. A new slice at each call: nothing global is mutable.
func Formats() []Format {
	return []Format{textFormat(), jsonFormat(), sarifFormat(), junitFormat(), githubFormat(), markdownFormat()}
}

// Lookup finds a format by its name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Names lists the formats' names, in the order of Formats.
func Names() []string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}
