package sandbox_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi/datamodel"

	"github.com/kontrak/kontrak/contract"
)

// An independent validator holds serve to the specs: libopenapi-validator, its own reader of the specs
// and its own JSON Schema engine (format assertions on, the date notations of contract.DateFormats
// registered, as cmd/kontrak's TestOtherToolsAgree sets it up), judges the answers serve gives, so that
// serve and the specs cannot part without a test failing.

var (
	validatorsOnce sync.Once
	theValidators  map[string]validator.Validator
	validatorsErr  error
)

// validators loads every vendor's spec into libopenapi-validator once for the package.
func validators(t testing.TB, c *contract.Contract, root string) map[string]validator.Validator {
	t.Helper()
	validatorsOnce.Do(func() {
		theValidators = map[string]validator.Validator{}
		for _, v := range c.Vendors() {
			file := filepath.Join(root, v.File)
			raw, err := os.ReadFile(file)
			if err != nil {
				validatorsErr = err
				return
			}
			doc, err := libopenapi.NewDocumentWithConfiguration(raw, &datamodel.DocumentConfiguration{
				BasePath: filepath.Dir(file), AllowFileReferences: true,
			})
			if err != nil {
				validatorsErr = fmt.Errorf("%s: libopenapi: %v", v.File, err)
				return
			}
			opts := []config.Option{config.WithFormatAssertions(), config.WithoutSecurityValidation()}
			for name, layout := range contract.DateFormats {
				opts = append(opts, config.WithCustomFormat(name, func(x any) error {
					if s, ok := x.(string); ok {
						if _, err := time.Parse(layout, s); err != nil {
							return fmt.Errorf("not %s", name)
						}
					}
					return nil
				}))
			}
			val, errs := validator.NewValidator(doc, opts...)
			if len(errs) > 0 {
				validatorsErr = fmt.Errorf("%s: libopenapi-validator cannot load it: %v", v.File, errs)
				return
			}
			theValidators[v.ID] = val
		}
	})
	if validatorsErr != nil {
		t.Fatal(validatorsErr)
	}
	return theValidators
}

// exchange is one request serve answered, as a test captured it.
type exchange struct {
	method, path, query string
	reqHeader           http.Header
	status              int
	header              http.Header
	body                []byte
}

// capturing wraps a handler and keeps every exchange it answers.
type capturing struct {
	next http.Handler
	mu   sync.Mutex
	got  []exchange
}

func (c *capturing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	c.next.ServeHTTP(rec, r)
	c.mu.Lock()
	c.got = append(c.got, exchange{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, reqHeader: r.Header.Clone(),
		status: rec.status, header: w.Header().Clone(), body: rec.body.Bytes()})
	c.mu.Unlock()
}

func (c *capturing) exchanges() []exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]exchange(nil), c.got...)
}

type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recordingWriter) WriteHeader(st int) { r.status = st; r.ResponseWriter.WriteHeader(st) }
func (r *recordingWriter) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// validateAnswers judges each exchange's answer with libopenapi-validator: the status documented, the
// media type and the body by the status's schema. The request goes to the vendor's first documented
// server with the operation's path (the validator routes by its servers; serve by the path under any
// base URL), so that an answer under a prefix is judged as the operation's. It returns how many it judged.
func validateAnswers(t *testing.T, c *contract.Contract, root string, xs []exchange) int {
	t.Helper()
	vals := validators(t, c, root)
	n := 0
	for _, x := range xs {
		op, ok := c.Lookup(x.method, x.path)
		if !ok {
			continue // the fixture's own 404 and 405: no vendor's answer
		}
		target := strings.TrimSuffix(op.Vendor.Servers[0].URL, "/") + op.Path
		if x.query != "" {
			target += "?" + x.query
		}
		req, err := http.NewRequest(x.method, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = x.reqHeader
		resp := &http.Response{StatusCode: x.status, Header: x.header, Request: req, Body: io.NopCloser(bytes.NewReader(x.body))}
		if ok, errs := vals[op.Vendor.ID].ValidateHttpResponse(req, resp); !ok {
			t.Errorf("%s: libopenapi-validator refuses serve's answer HTTP %d %s: %s", op.Name(), x.status, x.body, validationText(errs))
		}
		n++
	}
	return n
}

func validationText(errs []*verrors.ValidationError) string {
	var parts []string
	for _, e := range errs {
		s := e.Message
		if e.Reason != "" {
			s += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			s += " [" + se.FieldPath + ": " + se.Reason + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
