package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// Kind is a kind of report, and R the value its formats render: one registry holds the formats of every
// kind, keyed by (kind, format). A new format of a kind is one Register call (report's own: in the table
// below); a new kind is one Kind value here and a Register call a format.
type Kind[R any] struct {
	name string
	// prepare readies a value before any format of the kind renders it (nil: nothing to do).
	prepare func(R)
}

// Name is the kind's name in the registry and in errors.
func (k Kind[R]) Name() string { return k.name }

// The kinds of report.
var (
	// SummaryReport is a run (of the suites, or of `kontrak check`'s verdicts): a *Summary.
	SummaryReport = Kind[*Summary]{name: "summary", prepare: (*Summary).ready}
	// TrafficReport is the drift report of a body of traffic: a *Traffic.
	TrafficReport = Kind[*Traffic]{name: "traffic", prepare: (*Traffic).ready}
)

// The formats of report's own kinds, one row a format. Adding one is a function that renders the kind's
// value, its row here and its golden file under testdata/.
func init() {
	Register(SummaryReport, "text", formatText)
	Register(SummaryReport, "json", formatJSON)
	Register(SummaryReport, "markdown", formatMarkdown)
	Register(SummaryReport, "github", formatGitHub)
	Register(SummaryReport, "junit", formatJUnit)
	Register(TrafficReport, "text", trafficText)
	Register(TrafficReport, "json", trafficJSON)
	Register(TrafficReport, "markdown", trafficMarkdown)
}

// NewKind declares a kind of report rendered outside this package (kontrak diff's, selftest's, scan's,
// version's), so that the one registry holds the formats of every command. Its name must be unique.
func NewKind[R any](name string) Kind[R] { return Kind[R]{name: name} }

// FormatsOf lists the formats of the kind of that name, sorted (nil for a kind with none): the matrix of
// kinds and formats without the kinds' types.
func FormatsOf(kind string) []string {
	mu.RLock()
	defer mu.RUnlock()
	var names []string
	for key := range registry {
		if key.kind == kind {
			names = append(names, key.format)
		}
	}
	slices.Sort(names)
	return names
}

// Formatter renders a report of the kind whose value is R.
type Formatter[R any] func(w io.Writer, r R) error

// Format renders r on w.
func (f Formatter[R]) Format(w io.Writer, r R) error { return f(w, r) }

type key struct{ kind, format string }

var (
	mu       sync.RWMutex
	registry = map[key]any{} // a Formatter[R] of the kind's R
)

// Register makes f the format of kind k by the given name. Registering a (kind, format) twice is a
// programming error: it panics, at init, before anything runs.
func Register[R any](k Kind[R], format string, f Formatter[R]) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[key{k.name, format}]; dup {
		panic("report: format " + format + " of the " + k.name + " report registered twice")
	}
	registry[key{k.name, format}] = f
}

// Formats lists the formats of kind k, sorted: what help and errors say a kind takes.
func Formats[R any](k Kind[R]) []string { return FormatsOf(k.name) }

// Lookup returns the format of kind k by its name; the error of an unknown name lists the formats of k.
func Lookup[R any](k Kind[R], format string) (Formatter[R], error) {
	mu.RLock()
	f, ok := registry[key{k.name, format}]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown format %q: known formats are %s", format, strings.Join(Formats(k), ", "))
	}
	render := f.(Formatter[R])
	if k.prepare == nil {
		return render, nil
	}
	return func(w io.Writer, r R) error {
		k.prepare(r)
		return render(w, r)
	}, nil
}
