package contract

import (
	"fmt"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
	yaml "github.com/pb33f/go-yaml"
)

// The views below are what live runs, recordings and `kontrak serve` need of a spec beyond judging an
// answer: an operation's stateful flow (x-kontrak-flow), the documented methods of a path (a 405's
// Allow), the documented operation path a request path names under a base URL's prefix (what a request
// match compares), and the hosts a vendor documents (what makes a recording evidence of the vendor).

// extFlow is the operation extension of an asynchronous flow: the answer of an accepted request names an
// id that another operation answers later (specs/README.md, "Flows").
const extFlow = "x-kontrak-flow"

func init() {
	// The extension joins the spec format's vocabulary: Load holds it to Flow's keys, strictly, as it holds
	// every other x-kontrak-* extension (extensions.go).
	extensionTypes[extFlow] = reflect.TypeFor[Flow]()
}

// Flow is x-kontrak-flow on the operation that submits work (Verihubs' submit): its accepted answer
// carries an id at ID.Answer; the Result operation, asked with that id in its ID.Parameter, answers the
// submission's result; a callback of the submit carries the same result. Which result a submission gets
// is its sandbox code's (x-kontrak-sandbox result), changed by the Switches its request sets.
type Flow struct {
	// Result is the operationId of the operation that answers the result.
	Result string `yaml:"result"`
	ID     FlowID `yaml:"id"`
	// Switches are request fields that change a submission's result (Verihubs' validate_quality).
	Switches []FlowSwitch `yaml:"switches,omitempty"`
	Source   Source       `yaml:"source"`

	op     *Operation
	result *Operation
}

// FlowID says where the flow's id travels.
type FlowID struct {
	// Answer is the JSON Pointer of the id in the submit's accepted answer.
	Answer string `yaml:"answer"`
	// Parameter is the result operation's parameter (or body field) that takes the id.
	Parameter string `yaml:"parameter"`
	// Field, when set, is the submit's request field in which a client names its own id.
	Field string `yaml:"field,omitempty"`
	// Exists, when set, is the code answered to a submit that names an id already used.
	Exists string `yaml:"exists,omitempty"`
}

// FlowSwitch is a request field whose value changes a submission's result: when the request carries
// Field with Value, the result code R becomes Results[R] (a code absent from Results stays R).
type FlowSwitch struct {
	Field   string            `yaml:"field"`
	Value   any               `yaml:"value"`
	Results map[string]string `yaml:"results"`
	Source  Source            `yaml:"source"`
}

// Flow returns the operation's x-kontrak-flow, nil when it has none, or an error naming the operation and
// what of the flow the spec does not hold: a result operation, parameter, answer pointer, exists code or
// switch result the spec does not document.
func (o *Operation) Flow() (*Flow, error) {
	raw, ok := o.Extensions[extFlow]
	if !ok || raw == nil {
		return nil, nil
	}
	b, err := yaml.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", o.Name(), extFlow, err)
	}
	f := &Flow{op: o}
	if err := yaml.Unmarshal(b, f); err != nil {
		return nil, fmt.Errorf("%s: %s: %s", o.Name(), extFlow, oneLine(err.Error()))
	}
	fail := func(format string, a ...any) (*Flow, error) {
		return nil, fmt.Errorf("%s: %s: %s", o.Name(), extFlow, fmt.Sprintf(format, a...))
	}
	if f.result = o.Vendor.Operation(f.Result); f.result == nil {
		return fail("result %q is no operation of %s (known: %s)", f.Result, o.Vendor.ID, strings.Join(o.Vendor.OperationIDs(), ", "))
	}
	if !f.result.takes(f.ID.Parameter) {
		return fail("id.parameter %q is neither a parameter nor a body field of %s", f.ID.Parameter, f.result.Name())
	}
	if f.ID.Field != "" && !o.takes(f.ID.Field) {
		return fail("id.field %q is no field of the request", f.ID.Field)
	}
	if _, err := wire.Split(f.ID.Answer); err != nil || f.ID.Answer == "" {
		return fail("id.answer %q is not a JSON Pointer", f.ID.Answer)
	}
	if f.ID.Exists != "" && o.Codes.Lookup(f.ID.Exists) == nil {
		return fail("id.exists %s is not in the code table", f.ID.Exists)
	}
	for _, sw := range f.Switches {
		if !o.takes(sw.Field) {
			return fail("switch field %q is no field of the request", sw.Field)
		}
		for from, to := range sw.Results {
			for _, code := range []string{from, to} {
				if _, _, ok := f.result.SandboxEntry(code); !ok {
					return fail("switch %s: %s is no sandbox code of %s", sw.Field, code, f.result.Name())
				}
			}
		}
	}
	return f, nil
}

// Operation is the submitting operation; ResultOperation the one that answers the result.
func (f *Flow) Operation() *Operation       { return f.op }
func (f *Flow) ResultOperation() *Operation { return f.result }

// ResultCode is the result sandbox code of a submission whose own sandbox code names result: the code,
// changed by every switch whose field the request carries with its value (field reads a request field
// as text, as a form or a JSON body gives it).
func (f *Flow) ResultCode(result string, field func(name string) (string, bool)) string {
	for _, sw := range f.Switches {
		v, ok := field(sw.Field)
		if !ok || v != fmt.Sprint(sw.Value) {
			continue
		}
		if to, ok := sw.Results[result]; ok {
			result = to
		}
	}
	return result
}

// takes reports whether name is a parameter or a request body property of the operation.
func (o *Operation) takes(name string) bool {
	for _, p := range o.Parameters {
		if p.Name == name {
			return true
		}
	}
	props, _ := o.RequestSchema["properties"].(map[string]any)
	_, ok := props[name]
	return ok
}

// Methods lists, sorted, the documented methods of every operation a request path names (by Lookup's
// rule: the path itself, or a documented path it ends with under a base URL's prefix): what a 405
// answer's Allow header lists. Empty when no operation has the path.
func (c *Contract) Methods(path string) []string {
	path = "/" + strings.Trim(path, "/")
	var out []string
	for _, v := range c.vendors {
		for _, o := range v.Operations {
			if (o.Path == path || strings.HasSuffix(path, o.Path)) && !slices.Contains(out, o.Method) {
				out = append(out, o.Method)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Lookup finds the vendor's operation of a request by method and URL path, as Contract.Lookup does among
// the vendor's operations only: the path itself, else the longest documented path the request path ends
// with (a base URL's prefix, as Kredibel's $vision, or a sandbox mounted under a path).
func (v *Vendor) Lookup(method, path string) (*Operation, bool) {
	method = strings.ToUpper(method)
	path = "/" + strings.Trim(path, "/")
	var best *Operation
	for _, o := range v.Operations {
		if o.Method != method {
			continue
		}
		if o.Path == path {
			return o, true
		}
		if strings.HasSuffix(path, o.Path) && (best == nil || len(o.Path) > len(best.Path)) {
			best = o
		}
	}
	return best, best != nil
}

// RoutePath is the documented path of the vendor's operation a request names, whatever prefix its base
// URL carries; the path itself when it names none. A request match compares it, so that a recording made
// through a prefixed base URL replays through another (or none).
func (v *Vendor) RoutePath(method, path string) string {
	if o, ok := v.Lookup(method, path); ok {
		return o.Path
	}
	return path
}

// Hosts lists the hosts of the vendor's documented servers, each once, in the spec's order. A server
// whose URL is kontrak's placeholder under the reserved .invalid domain (RFC 2606: Kredibel documents no
// host) names no host.
func (v *Vendor) Hosts() []string {
	var out []string
	for _, s := range v.Servers {
		u, err := url.Parse(s.URL)
		if err != nil || u.Hostname() == "" {
			continue
		}
		h := strings.ToLower(u.Hostname())
		if strings.HasSuffix(h, ".invalid") || slices.Contains(out, h) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// The kinds of host a base URL names, as HostKind reads them.
const (
	HostDocumented   = "documented"   // a host of the vendor's documented servers
	HostLocal        = "local"        // loopback, a private or link-local address, or a name reserved for no real host
	HostUndocumented = "undocumented" // another host, of a vendor that documents its hosts
	HostUnstated     = "unstated"     // another host, of a vendor that documents none (configuration)
)

// HostKind says what host a base URL names for the vendor: one of its documented servers, a local host
// (whose answers are no evidence of the vendor), another host where the vendor documents its own, or a
// host the vendor's documents cannot confirm because they name none.
func (v *Vendor) HostKind(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return HostUndocumented
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if slices.Contains(v.Hosts(), h) {
		return HostDocumented
	}
	if localHost(h) {
		return HostLocal
	}
	if len(v.Hosts()) == 0 {
		return HostUnstated
	}
	return HostUndocumented
}

// localHost reports whether h names no host of the Internet: a loopback, private (RFC 1918, RFC 4193),
// link-local or unspecified address, localhost, or a name under a domain reserved for tests and local use
// (RFC 2606, RFC 6761, RFC 6762).
func localHost(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()
	}
	if h == "localhost" || h == "" {
		return true
	}
	for _, suffix := range []string{".localhost", ".invalid", ".test", ".example", ".local", ".internal"} {
		if strings.HasSuffix(h, suffix) {
			return true
		}
	}
	return false
}
