package contract

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Source says where a fact comes from: the vendor page, and whether the page says it (documented) or we
// read it into the page (inferred, to be confirmed by a live recording).
type Source struct {
	Page  string `yaml:"page" json:"page"`
	Basis string `yaml:"basis" json:"basis"`
	Note  string `yaml:"note,omitempty" json:"note,omitempty"`
}

// The bases of a fact.
const (
	BasisDocumented = "documented" // the page says it
	BasisInferred   = "inferred"   // our reading of the page, to be confirmed by a live recording
	// BasisMaybeEmpty marks, in a schema (x-kontrak-basis), a field the document says may be empty: its
	// absence or null is a notice.
	BasisMaybeEmpty = "maybe-empty"
)

// String is the form findings carry: "page (basis)".
func (s Source) String() string {
	if s.Page == "" {
		return ""
	}
	if s.Basis == "" {
		return s.Page
	}
	return s.Page + " (" + s.Basis + ")"
}

// Contradiction is a place where a vendor's document disagrees with itself, and what kontrak accepts.
type Contradiction struct {
	ID         string `yaml:"id" json:"id"`
	Pointer    string `yaml:"pointer,omitempty" json:"pointer,omitempty"`
	Operation  string `yaml:"operation,omitempty" json:"operation,omitempty"`
	Text       string `yaml:"text" json:"text"`
	Resolution string `yaml:"resolution" json:"resolution"`
	// Findings are the finding ids the documents' own examples yield because of this contradiction (a notice
	// at Pointer): recorded, so that an example may carry them and still conform.
	Findings []string `yaml:"findings,omitempty" json:"findings,omitempty"`
	Source   Source   `yaml:"source" json:"source"`
}

// Env names the environment variables of live mode; never their values.
type Env struct {
	BaseURL         string   `yaml:"baseURL" json:"baseURL"`
	BaseURLRequired bool     `yaml:"baseURLRequired,omitempty" json:"baseURLRequired,omitempty"`
	Credentials     []string `yaml:"credentials" json:"credentials"`
}

// Code is one row of an error-code table.
type Code struct {
	Code     string   `yaml:"code" json:"code"`
	Statuses []string `yaml:"statuses" json:"statuses"`
	Billable bool     `yaml:"billable" json:"billable"`
	Flags    []string `yaml:"flags,omitempty" json:"flags,omitempty"`
	Messages []string `yaml:"messages,omitempty" json:"messages,omitempty"`
	// MessagesOpen says the document gives Messages as examples ("Messages may look like", "etc."): another
	// text is not a changed message.
	MessagesOpen bool `yaml:"messagesOpen,omitempty" json:"messagesOpen,omitempty"`
	// BillableSource, when set, is the provenance of Billable alone, where it differs from the row's.
	BillableSource *Source `yaml:"billableSource,omitempty" json:"billableSource,omitempty"`
	// StatusesSource, when set, is the provenance of Statuses alone (a code the page documents, on an HTTP
	// status it does not state).
	StatusesSource *Source     `yaml:"statusesSource,omitempty" json:"statusesSource,omitempty"`
	Description    string      `yaml:"description,omitempty" json:"description,omitempty"`
	RetryAfter     *RetryAfter `yaml:"retryAfter,omitempty" json:"retryAfter,omitempty"`
	// Class marks a code that proves nothing about the contract: auth, rate-limit or server. A live run
	// whose every answer is of these (or HTTP 401, 403, 429, 5XX) proved nothing.
	Class  string `yaml:"class,omitempty" json:"class,omitempty"`
	Source Source `yaml:"source" json:"source"`
	// Table is where the row was read: the operation's own table or a shared one (e.g. "glossary").
	Table string `yaml:"-" json:"table"`
}

// RetryAfter says that an answer carries a delay to wait before retrying.
type RetryAfter struct {
	Header  string `yaml:"header" json:"header"`
	Example string `yaml:"example,omitempty" json:"example,omitempty"`
	// Messages are the documented messages of the code that carry the header, where the document shows
	// the delay with some of its messages only; empty: every answer of the code carries it.
	Messages []string `yaml:"messages,omitempty" json:"messages,omitempty"`
}

// AllowsStatus reports whether the code may arrive with HTTP status st.
func (c *Code) AllowsStatus(st int) bool {
	for _, s := range c.Statuses {
		if statusMatches(s, st) {
			return true
		}
	}
	return false
}

// statusMatches reports whether a documented status key ("200", "4XX", "default") covers st.
func statusMatches(key string, st int) bool {
	key = strings.ToUpper(strings.TrimSpace(key))
	if len(key) == 3 && strings.HasSuffix(key, "XX") {
		return int(key[0]-'0') == st/100
	}
	n, err := strconv.Atoi(key)
	return err == nil && n == st
}

// CodeTable is an operation's codes: where they live in a body and what each means.
type CodeTable struct {
	Pointer        string   `yaml:"pointer" json:"pointer"`
	MessagePointer string   `yaml:"messagePointer,omitempty" json:"messagePointer,omitempty"`
	Include        []string `yaml:"include,omitempty" json:"include,omitempty"`
	Source         Source   `yaml:"source" json:"source"`
	Codes          []*Code  `yaml:"codes" json:"codes"`
}

// Lookup returns the row of code, or nil.
func (t *CodeTable) Lookup(code string) *Code {
	return first(t.Codes, func(c *Code) bool { return c.Code == code })
}

// Billing says how an operation is charged: a flag in the body (ADVANCE pricingStrategy), and the
// billable of answers that carry no code, by status.
type Billing struct {
	Pointer  string          `yaml:"pointer,omitempty" json:"pointer,omitempty"`
	Values   map[string]bool `yaml:"values,omitempty" json:"values,omitempty"`
	Statuses map[string]bool `yaml:"statuses,omitempty" json:"statuses,omitempty"`
	Source   Source          `yaml:"source" json:"source"`
}

// ByStatus returns the billable of an answer with no code, exact status first, then its range.
func (b *Billing) ByStatus(st int) (billable, known bool) {
	if v, ok := b.Statuses[strconv.Itoa(st)]; ok {
		return v, true
	}
	for k, v := range b.Statuses {
		if statusMatches(k, st) {
			return v, true
		}
	}
	return false, false
}

// SandboxParam is a request parameter whose values make a vendor's sandbox answer a fixed outcome.
type SandboxParam struct {
	Parameter struct {
		In   string `yaml:"in" json:"in"`
		Name string `yaml:"name" json:"name"`
	} `yaml:"parameter" json:"parameter"`
	Unknown *Outcome      `yaml:"unknown,omitempty" json:"unknown,omitempty"`
	Source  Source        `yaml:"source" json:"source"`
	Codes   []SandboxCode `yaml:"codes" json:"codes"`
}

// SandboxCode is one sandbox value and its documented or inferred outcome.
type SandboxCode struct {
	Value       string  `yaml:"value" json:"value"`
	Description string  `yaml:"description" json:"description"`
	Outcome     Outcome `yaml:"outcome" json:"outcome"`
	// Result, on a submit of an asynchronous flow, is the value of the result operation's sandbox
	// parameter whose answer is this submission's result: what the callback carries (kontrak serve).
	Result string `yaml:"result,omitempty" json:"result,omitempty"`
	Source Source `yaml:"source" json:"source"`
}

// Outcome is what an answer must be: its status, its code (empty for none) and values at pointers.
type Outcome struct {
	Status int            `yaml:"status" json:"status"`
	Code   string         `yaml:"code,omitempty" json:"code,omitempty"`
	Body   map[string]any `yaml:"body,omitempty" json:"body,omitempty"`
}

// Example is a documented example body of a response.
type Example struct {
	Name    string `json:"name"`
	Summary string `json:"summary,omitempty"`
	Value   []byte `json:"-"` // JSON
	Source  Source `json:"source"`
}

// Response is one documented status of an operation.
type Response struct {
	Status      string // "200", "4XX", "default"
	Description string
	ContentType string // "" when no body is documented
	SchemaFile  string // path in the spec FS, e.g. "schemas/ekycpro/idOcrGeneral.200.json"
	Examples    []Example
	// Headers are the documented response headers (OpenAPI headers); Check judges them.
	Headers []ResponseHeader
	Source  Source

	schema *compiledSchema
}

// ResponseHeader is a documented header of a response.
type ResponseHeader struct {
	Name     string
	Required bool
	Example  string
}

// SecurityScheme is a credential an operation sends.
type SecurityScheme struct {
	Name   string // the scheme's key in components
	Type   string // apiKey | http
	In     string // header | query
	Header string // header or query name (Authorization for http bearer)
	Scheme string // bearer, for http
	Env    string // the environment variable holding the value
	// TokenOperation, when set, names the operation whose answer yields the value (ADVANCE's token).
	TokenOperation string
	Source         Source
}

// Signature is a documented request signature (ADVANCE's generate-token): hash(concatenation of named
// inputs), each input a credential (from Credentials: input -> environment variable), or the timestamp.
type Signature struct {
	Algorithm       string            `yaml:"algorithm" json:"algorithm"`
	Encoding        string            `yaml:"encoding" json:"encoding"`
	Concatenation   []string          `yaml:"concatenation" json:"concatenation"`
	Credentials     map[string]string `yaml:"credentials" json:"credentials"`
	Field           string            `yaml:"field" json:"field"`
	Timestamp       string            `yaml:"timestamp" json:"timestamp"` // the input that is the request time
	TimestampUnit   string            `yaml:"timestampUnit" json:"timestampUnit"`
	TimestampDigits int               `yaml:"timestampDigits" json:"timestampDigits"`
	Window          string            `yaml:"window" json:"window"`
	KnownAnswer     map[string]string `yaml:"knownAnswer" json:"knownAnswer"`
	Source          Source            `yaml:"source" json:"source"`
}

// Token says where an operation's answer carries an access token and its expiry.
type Token struct {
	TokenPointer  string         `yaml:"tokenPointer" json:"tokenPointer"`
	ExpiryPointer string         `yaml:"expiryPointer" json:"expiryPointer"`
	ExpiryUnit    string         `yaml:"expiryUnit" json:"expiryUnit"`
	Header        string         `yaml:"header" json:"header"`
	PeriodSecond  map[string]int `yaml:"periodSecond" json:"periodSecond"`
	PeriodField   string         `yaml:"periodField,omitempty" json:"periodField,omitempty"` // the request field of the period
	// Refused is the answer that means the token was refused: the client fetches a new one, once.
	Refused *struct {
		Code     string   `yaml:"code" json:"code"`
		Messages []string `yaml:"messages" json:"messages"`
	} `yaml:"refused,omitempty" json:"refused,omitempty"`
	Source Source `yaml:"source" json:"source"`
}

// ImageRules are the documented constraints of a request field that carries the image.
type ImageRules struct {
	Encoding          string   `yaml:"encoding,omitempty" json:"encoding,omitempty"` // base64, or empty for a binary multipart part
	DataURIPrefix     bool     `yaml:"dataURIPrefix,omitempty" json:"dataURIPrefix,omitempty"`
	URLAccepted       bool     `yaml:"urlAccepted,omitempty" json:"urlAccepted,omitempty"`
	Formats           []string `yaml:"formats,omitempty" json:"formats,omitempty"`
	PartContentTypes  []string `yaml:"partContentTypes,omitempty" json:"partContentTypes,omitempty"`
	MaxBytes          int      `yaml:"maxBytes,omitempty" json:"maxBytes,omitempty"`
	RecommendedBytes  int      `yaml:"recommendedMaxBytes,omitempty" json:"recommendedMaxBytes,omitempty"`
	MinWidth          int      `yaml:"minWidth,omitempty" json:"minWidth,omitempty"`
	MinHeight         int      `yaml:"minHeight,omitempty" json:"minHeight,omitempty"`
	MaxWidth          int      `yaml:"maxWidth,omitempty" json:"maxWidth,omitempty"`
	MaxHeight         int      `yaml:"maxHeight,omitempty" json:"maxHeight,omitempty"`
	RecommendedWidth  int      `yaml:"recommendedWidth,omitempty" json:"recommendedWidth,omitempty"`
	RecommendedHeight int      `yaml:"recommendedHeight,omitempty" json:"recommendedHeight,omitempty"`
	// Violations maps a broken rule (format, partContentType, size, dimensions, encoding, missing) to
	// the code the vendor answers.
	Violations map[string]string `yaml:"violations,omitempty" json:"violations,omitempty"`
}

// Operation is one documented operation of a vendor.
type Operation struct {
	Vendor   *Vendor
	ID       string
	Method   string
	Path     string
	Summary  string
	Source   Source
	Security []SecurityScheme
	// RequestContentType and RequestSchema describe the documented request body (nil schema: none).
	RequestContentType string
	RequestSchema      map[string]any
	Parameters         []Parameter
	Responses          []*Response
	Codes              CodeTable
	Billing            Billing
	Sandbox            []SandboxParam
	Signature          *Signature
	Token              *Token
	// Request is x-kontrak-request: what the vendor answers to a request that breaks the documented one.
	Request *RequestRules
	// PII maps the JSON Pointers of personal data in the answers to their kind (nik, name, address, date,
	// place, placedate, text): what redaction replaces and what the leak scan looks at.
	PII map[string]string
	// Extensions holds every other x-kontrak-* extension of the operation, decoded (e.g. signature, token).
	Extensions map[string]any
	// Canonical maps the operation's success answer onto the canonical KTP record (x-kontrak-canonical);
	// nil for an operation that carries no KTP.
	Canonical *CanonicalMap
	// Callbacks are the requests the vendor sends back to the client after this operation (OpenAPI
	// callbacks; callback.go).
	Callbacks []*Callback

	imageField string
	imageRules *ImageRules
}

// ImageField returns the request body property that carries the image, and its rules (x-kontrak-image,
// decoded once by Load).
func (o *Operation) ImageField() (string, *ImageRules) {
	return o.imageField, o.imageRules
}

// RequestFields lists the request body's properties, required first, in a stable order.
func (o *Operation) RequestFields() (required, optional []string) {
	props, _ := o.RequestSchema["properties"].(map[string]any)
	req := map[string]bool{}
	if rl, ok := o.RequestSchema["required"].([]any); ok {
		for _, r := range rl {
			if s, ok := r.(string); ok {
				req[s] = true
				required = append(required, s)
			}
		}
	}
	for name := range props {
		if !req[name] {
			optional = append(optional, name)
		}
	}
	sort.Strings(optional)
	return required, optional
}

// Parameter is a documented query, header or path parameter.
type Parameter struct {
	Name     string
	In       string
	Required bool
	Schema   map[string]any
}

// Response returns the response documented for status st: exact status first, then its range, then
// default; nil when none is.
func (o *Operation) Response(st int) *Response {
	key := strconv.Itoa(st)
	for _, r := range o.Responses {
		if r.Status == key {
			return r
		}
	}
	for _, r := range o.Responses {
		if len(r.Status) == 3 && statusMatches(r.Status, st) {
			return r
		}
	}
	for _, r := range o.Responses {
		if r.Status == "default" {
			return r
		}
	}
	return nil
}

// Statuses lists the documented status keys, in the spec's order.
func (o *Operation) Statuses() []string {
	out := make([]string, 0, len(o.Responses))
	for _, r := range o.Responses {
		out = append(out, r.Status)
	}
	return out
}

// Name is "vendor operationId", the way messages name an operation.
func (o *Operation) Name() string { return o.Vendor.ID + " " + o.ID }

// Route is "METHOD /path".
func (o *Operation) Route() string { return o.Method + " " + o.Path }

// Server is a documented base URL.
type Server struct {
	URL         string
	Description string
	Environment string
	Source      Source
}

// Vendor is one vendor's contract.
type Vendor struct {
	ID             string
	Name           string
	File           string // the spec's path in the FS
	Pages          []string
	Env            Env
	Contradictions []Contradiction
	// Notes are remarks on the documents that are not contradictions of a document with itself.
	Notes       []Contradiction
	Servers     []Server
	Operations  []*Operation
	Title       string
	Version     string
	Description string

	vocab *Vocabulary
}

// Operation returns the operation with the given operationId, or nil.
func (v *Vendor) Operation(id string) *Operation {
	return first(v.Operations, func(o *Operation) bool { return o.ID == id })
}

// OperationIDs lists the vendor's operationIds in spec order.
func (v *Vendor) OperationIDs() []string {
	return each(v.Operations, func(o *Operation) string { return o.ID })
}

// Contract is every vendor's contract, loaded once.
type Contract struct {
	vendors []*Vendor
	vocab   *Vocabulary
	// fsys is the FS the contract was loaded from: schema files are read from it again for Fields.
	fsys     fs.FS
	fieldsMu sync.Mutex
	fields   map[string][]Field

	publishedOnce sync.Once
	published     *Published
}

// Vocabulary is the KTP vocabulary the semantic rules read (VocabularyFile).
func (c *Contract) Vocabulary() *Vocabulary { return c.vocab }

// Vendors lists the vendors in id order.
func (c *Contract) Vendors() []*Vendor { return c.vendors }

// Vendor returns the vendor with the given id, or nil.
func (c *Contract) Vendor(id string) *Vendor {
	return first(c.vendors, func(v *Vendor) bool { return v.ID == id })
}

// VendorIDs lists the vendor ids.
func (c *Contract) VendorIDs() []string {
	return each(c.vendors, func(v *Vendor) string { return v.ID })
}

// first is the first element of l that ok accepts, or T's zero value.
func first[T any](l []T, ok func(T) bool) T {
	if i := slices.IndexFunc(l, ok); i >= 0 {
		return l[i]
	}
	var zero T
	return zero
}

// each is f of every element of l, in order.
func each[T, U any](l []T, f func(T) U) []U {
	out := make([]U, len(l))
	for i, x := range l {
		out[i] = f(x)
	}
	return out
}

// Operation finds vendor and operation by id, with an error that names what is unknown and what is known.
func (c *Contract) Operation(vendor, operation string) (*Operation, error) {
	v := c.Vendor(vendor)
	if v == nil {
		return nil, fmt.Errorf("unknown vendor %q (known: %s)", vendor, strings.Join(c.VendorIDs(), ", "))
	}
	o := v.Operation(operation)
	if o == nil {
		return nil, fmt.Errorf("vendor %s has no operation %q (known: %s)", vendor, operation, strings.Join(v.OperationIDs(), ", "))
	}
	return o, nil
}

// Lookup finds the operation of a request by its method and URL path, whatever the host: an exact path
// first, then the longest documented path the request path ends with (a base URL may carry a prefix, as
// Kredibel's $vision may).
func (c *Contract) Lookup(method, path string) (*Operation, bool) {
	exact := "/" + strings.Trim(path, "/")
	var best *Operation
	for _, v := range c.vendors {
		o, ok := v.Lookup(method, path)
		switch {
		case !ok:
		case o.Path == exact:
			return o, true
		case best == nil || len(o.Path) > len(best.Path):
			best = o
		}
	}
	return best, best != nil
}
