package contract

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strings"

	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Callback is a request the vendor sends to the client after an operation: an OpenAPI `callbacks` entry of
// that operation (Verihubs POSTs the recognition result to the submit's callback_url). kontrak judges an
// inbound callback the way it judges an answer: Check returns findings with the same ids.
//
// A callback whose body schema is the schema of a documented answer of another operation of the vendor
// carries that answer (Answer, AnswerStatus): its codes table, billing and canonical KTP record apply to
// the callback body as they do to the answer — the fact is stated once, in the spec's $ref.
type Callback struct {
	// Operation is the operation whose request names the receiver (the submit).
	Operation *Operation
	// Key is the callbacks key; Expression the runtime expression of the receiver's URL
	// ("{$request.body#/callback_url}"), and URLField the request body field it reads ("callback_url"),
	// "" for an expression of another kind.
	Key, Expression, URLField string
	ID, Method, Summary       string
	Source                    Source
	// Security is the credential the vendor sends (HTTP Basic for Verihubs).
	Security []SecurityScheme
	// Body is the documented request body: its content type, schema file and source.
	Body *Response
	// Answer and AnswerStatus name the documented answer the body is, when it is one (see above).
	Answer       *Operation
	AnswerStatus string

	judge *Operation // the callback judged as an answer: Body's schema, Answer's tables
}

// Check judges one inbound callback request: its credential, then its body as the documented answer it
// carries. Findings come in a stable order, as Operation.Check's.
func (cb *Callback) Check(header http.Header, body []byte, opts CheckOptions) []Finding {
	out := cb.judge.Check(cb.status(), header, body, opts)
	for _, sc := range cb.Security {
		if sc.Type == "http" && sc.Scheme == "basic" && !basicAuth(header.Get("Authorization")) {
			fire(CallbackAuthMissing)
			f := Finding{ID: CallbackAuthMissing, Severity: severityOf(CallbackAuthMissing), Pointer: "",
				Expected: "header Authorization: Basic …", Actual: "absent or not Basic",
				Message: cb.Name() + ": " + message(CallbackAuthMissing, ""), Source: sc.Source.String()}
			if opts.Strict {
				f.Severity = Breaking
			}
			out = append([]Finding{f}, out...)
		}
	}
	return out
}

// status is the HTTP status of the answer the callback body carries (200 when it carries none).
func (cb *Callback) status() int {
	st := 200
	if cb.AnswerStatus != "" {
		fmt.Sscan(cb.AnswerStatus, &st)
	}
	return st
}

// Judged is the callback as an operation whose answer is the callback body (its ID the callback's, its
// tables the answer's): what counters and reports key on.
func (cb *Callback) Judged() *Operation { return cb.judge }

// Name is "vendor callbackId".
func (cb *Callback) Name() string { return cb.Operation.Vendor.ID + " " + cb.ID }

// basicAuth reports whether an Authorization value is HTTP Basic with a user:password in base64. The
// credential itself is never kept nor compared: only the receiver knows it.
func basicAuth(v string) bool {
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	return err == nil && strings.Contains(string(raw), ":")
}

// Callback returns the callback of the vendor by its operationId.
func (c *Contract) Callback(vendor, id string) (*Callback, error) {
	v := c.Vendor(vendor)
	if v == nil {
		return nil, fmt.Errorf("unknown vendor %q (known: %s)", vendor, strings.Join(c.VendorIDs(), ", "))
	}
	var known []string
	for _, o := range v.Operations {
		for _, cb := range o.Callbacks {
			if cb.ID == id {
				return cb, nil
			}
			known = append(known, cb.ID)
		}
	}
	sort.Strings(known)
	return nil, fmt.Errorf("%s has no callback %q (callbacks: %s)", vendor, id, strings.Join(known, ", "))
}

// loadCallbacks reads an operation's callbacks: each one operation with an operationId, a source, its
// security and a JSON request body whose schema is a $ref to a file under schemas/.
func loadCallbacks(file string, o *Operation, op *v3.Operation, schemes map[string]SecurityScheme, schemas *schemaSet) ([]*Callback, error) {
	if op.Callbacks == nil {
		return nil, nil
	}
	var out []*Callback
	for name, cbk := range op.Callbacks.FromOldest() {
		if cbk == nil || cbk.Expression == nil {
			continue
		}
		for expr, item := range cbk.Expression.FromOldest() {
			for method, cop := range item.GetOperations().FromOldest() {
				where := fmt.Sprintf("callback %s %s %s", name, strings.ToUpper(method), expr)
				if cop.OperationId == "" {
					return nil, fmt.Errorf("%s: operationId is missing", where)
				}
				cb := &Callback{Operation: o, Key: name, Expression: expr, ID: cop.OperationId,
					Method: strings.ToUpper(method), Summary: cop.Summary}
				if f, ok := strings.CutPrefix(expr, "{$request.body#/"); ok {
					cb.URLField = strings.TrimSuffix(f, "}")
				}
				if err := decodeExt(cop.Extensions, extSource, &cb.Source, false); err != nil {
					return nil, fmt.Errorf("%s: %v", where, err)
				}
				for _, req := range securityOf(cop.Security) {
					for _, n := range req.names {
						sc, ok := schemes[n]
						if !ok {
							return nil, fmt.Errorf("%s: security scheme %q is not in components.securitySchemes", where, n)
						}
						cb.Security = append(cb.Security, sc)
					}
					break
				}
				rb := cop.RequestBody
				if rb == nil || rb.Content == nil || rb.Content.Len() == 0 {
					return nil, fmt.Errorf("%s: no request body (a callback is judged by its body)", where)
				}
				body, err := loadResponse(file, "callback", &v3.Response{Description: rb.Description, Content: rb.Content, Extensions: rb.Extensions}, schemas)
				if err != nil {
					return nil, fmt.Errorf("%s: request body: %v", where, err)
				}
				cb.Body = body
				out = append(out, cb)
			}
		}
	}
	return out, nil
}

// linkCallbacks finds the answer each callback body is (the same schema file) and builds its judge.
func linkCallbacks(v *Vendor) error {
	for _, o := range v.Operations {
		for _, cb := range o.Callbacks {
			if cb.Body == nil {
				return fmt.Errorf("operation %s: callback %s has no body", o.ID, cb.ID)
			}
			for _, a := range v.Operations {
				for _, r := range a.Responses {
					if cb.Answer == nil && r.SchemaFile == cb.Body.SchemaFile {
						cb.Answer, cb.AnswerStatus = a, r.Status
					}
				}
			}
			body := *cb.Body
			body.Status = cb.AnswerStatus
			if body.Status == "" {
				body.Status = "200"
			}
			j := &Operation{Vendor: v, ID: cb.ID, Method: cb.Method, Path: cb.Expression, Summary: cb.Summary, Source: cb.Source,
				Responses: []*Response{&body}}
			if a := cb.Answer; a != nil {
				j.Codes, j.Billing, j.Canonical, j.PII = a.Codes, a.Billing, a.Canonical, a.PII
			}
			cb.judge = j
		}
	}
	return nil
}
