package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// Formatter renders a Summary. A new report format is one file: a type with this method, registered by
// name in the file's init.
type Formatter interface {
	Format(w io.Writer, s *Summary) error
}

// FormatterFunc adapts a function to a Formatter.
type FormatterFunc func(w io.Writer, s *Summary) error

func (f FormatterFunc) Format(w io.Writer, s *Summary) error { return f(w, s) }

var (
	mu         sync.RWMutex
	formatters = map[string]Formatter{}
)

// Register makes a Formatter available by name. Registering a name twice is a programming error: it
// panics, at init, before anything runs.
func Register(name string, f Formatter) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := formatters[name]; dup {
		panic("report: format " + name + " registered twice")
	}
	formatters[name] = f
}

// Names lists the registered formats, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(formatters))
	for n := range formatters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup returns the Formatter of a name; the error of an unknown name lists the known ones.
func Lookup(name string) (Formatter, error) {
	mu.RLock()
	f, ok := formatters[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown format %q: known formats are %s", name, strings.Join(Names(), ", "))
	}
	return f, nil
}
