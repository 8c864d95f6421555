package sandbox

import (
	"fmt"
	"net/http"
)

// recovered, deferred by ServeHTTP, turns a panic while answering a request (a bug of kontrak's) into the
// sandbox's own 500 fixture error, one line that names the request, instead of a dropped connection and
// a stack trace in the log. The server keeps serving.
func (s *server) recovered(w http.ResponseWriter, r *http.Request) {
	if p := recover(); p != nil {
		s.fixtureError(w, r, http.StatusInternalServerError,
			fmt.Sprintf("kontrak serve: internal error answering %s %s, please report it with that request: %v", r.Method, r.URL.Path, p))
	}
}

// loadRecovered, deferred by New, turns a panic while loading the specs, scenarios and cassettes into
// New's error, one line that names the cassette directory.
func loadRecovered(cassettes string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("sandbox: loading %s: internal error, please report it: %v", cassettes, p)
	}
}
