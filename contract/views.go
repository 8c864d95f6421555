package contract

import (
	"net/textproto"
	"slices"
)

// The views below are what the other rooms need of a vendor's security, tokens and signature: the
// environment variables of its credentials, the places of its secrets, what a request match ignores.
// Each is derived here once, from the spec, so that live mode, replay, `kontrak serve`, redaction and the
// docs agree on it.

// CredentialVars lists, in a stable order and each once, every environment variable a vendor's requests
// use: x-kontrak-env's credentials, then each security scheme's and each signature credential's variable.
// Live mode needs them all; `kontrak serve` accepts the values they hold.
func (v *Vendor) CredentialVars() []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, name := range v.Env.Credentials {
		add(name)
	}
	for _, op := range v.Operations {
		for _, sc := range op.Security {
			add(sc.Env)
		}
		if op.Signature != nil {
			for _, env := range sortedValues(op.Signature.Credentials) {
				add(env)
			}
		}
	}
	return out
}

// CallbackCredentialVars lists the environment variables of the credentials the vendor sends with its
// callbacks (HTTP Basic user:password): what a sandbox sends, and a receiver expects.
func (v *Vendor) CallbackCredentialVars() []string {
	var out []string
	for _, op := range v.Operations {
		for _, cb := range op.Callbacks {
			for _, sc := range cb.Security {
				if sc.Env != "" && !slices.Contains(out, sc.Env) {
					out = append(out, sc.Env)
				}
			}
		}
	}
	return out
}

// Secrets are the places of a request that carry a credential, and those that differ on every call.
type Secrets struct {
	// Headers carry a credential: the header of every security scheme sent in a header (Authorization for
	// http schemes) and of every token (x-kontrak-token header), canonical (textproto) form.
	Headers []string
	// Query are query parameters that carry a credential: every apiKey sent in the query.
	Query []string
	// Fields are request body fields that carry a credential: every input of a signature
	// (x-kontrak-signature) that names an environment variable and is a property of its operation's request
	// body, and the signature field itself.
	Fields []string
	// Volatile are the request body fields that differ on every call: every input of a signature (a
	// timestamp, the credentials it hashes) and the signature field. A recording keeps those that are not
	// Fields (the timestamp is needed to read it); a request match ignores them all.
	Volatile []string
}

// Secrets is the vendor's Secrets. Each list is sorted and holds each name once.
func (v *Vendor) Secrets() Secrets {
	var s Secrets
	for _, op := range v.Operations {
		op.addSecrets(&s)
	}
	s.normalise()
	return s
}

// Secrets is the union of every vendor's Secrets: what a cassette of unknown vendor must not keep.
func (c *Contract) Secrets() Secrets {
	var s Secrets
	for _, v := range c.vendors {
		for _, op := range v.Operations {
			op.addSecrets(&s)
		}
	}
	s.normalise()
	return s
}

func (o *Operation) addSecrets(s *Secrets) {
	for _, sc := range o.Security {
		switch {
		case sc.Header == "":
		case sc.In == "query":
			s.Query = append(s.Query, sc.Header)
		default:
			s.Headers = append(s.Headers, textproto.CanonicalMIMEHeaderKey(sc.Header))
		}
	}
	if o.Token != nil && o.Token.Header != "" {
		s.Headers = append(s.Headers, textproto.CanonicalMIMEHeaderKey(o.Token.Header))
	}
	if sig := o.Signature; sig != nil {
		props, _ := o.RequestSchema["properties"].(map[string]any)
		for _, in := range sig.Concatenation {
			_, secret := sig.Credentials[in]
			if _, inBody := props[in]; secret && inBody {
				s.Fields = append(s.Fields, in)
			}
			s.Volatile = append(s.Volatile, in)
		}
		if sig.Field != "" {
			s.Fields = append(s.Fields, sig.Field)
			s.Volatile = append(s.Volatile, sig.Field)
		}
	}
}

func (s *Secrets) normalise() {
	for _, l := range []*[]string{&s.Headers, &s.Query, &s.Fields, &s.Volatile} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
}

// MatchIgnores are the places a request match ignores: every secret (credentials differ between a live
// run and its redacted recording) and every volatile field (it differs on every call). Replay and
// `kontrak serve` both match through it, so that a request the one accepts the other accepts too.
func (s Secrets) MatchIgnores() (headers, query, fields []string) {
	fields = slices.Sorted(slices.Values(append(append([]string(nil), s.Fields...), s.Volatile...)))
	return s.Headers, s.Query, slices.Compact(fields)
}

// AnswerSecrets are the JSON Pointers of the operation's answer that hold a secret: its token.
func (o *Operation) AnswerSecrets() []string {
	if o.Token == nil || o.Token.TokenPointer == "" {
		return nil
	}
	return []string{o.Token.TokenPointer}
}

// SandboxEntry finds a sandbox value among the operation's sandbox parameters.
func (o *Operation) SandboxEntry(value string) (*SandboxParam, *SandboxCode, bool) {
	for i := range o.Sandbox {
		p := &o.Sandbox[i]
		for j := range p.Codes {
			if p.Codes[j].Value == value {
				return p, &p.Codes[j], true
			}
		}
	}
	return nil, nil, false
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
