package redact

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// URLs are values too: the request's URL, and a URL found inside any value (a redirect, a callback, a link
// in a message). A URL keeps its scheme; its user info becomes REDACTED; its host stays when the documents
// name it (or it is a reserved name), else becomes a stand-in under kontrak-redacted.invalid; a path
// segment stays when the documents give it or it is a safe name, else becomes a stand-in name (a NIK after
// %2F is inside a segment, and the segment goes); a query parameter keeps a documented or safe name, and its
// value follows the policy of a documented parameter (the request's own URL only) or of an undocumented
// value; a fragment stays when it is a safe name, else becomes a digest marker. The text of what stays is
// written as it was (its escaping and order), so that a request still matches.

var urlRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s]*$`)

// urlLike: a whole value that is a URL with a scheme.
func urlLike(s string) bool { return urlRE.MatchString(s) }

// url redacts raw, the request's URL (request true: its query parameters are the operation's) or a URL
// found in a value.
func (v *view) url(raw string, request bool) (string, []hit) {
	var hits []hit
	add := func(kind, where string) {
		for _, h := range hits {
			if h.kind == kind && h.where == where {
				return
			}
		}
		hits = append(hits, hit{kind: kind, where: where})
	}
	rest, frag, hasFrag := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	prefix, path := "", rest
	if i := strings.Index(rest, "://"); i > 0 && urlLike(rest[:i]+"://") {
		prefix = rest[:i+3]
		authority := rest[i+3:]
		if j := strings.IndexByte(authority, '/'); j >= 0 {
			authority, path = authority[:j], authority[j:]
		} else {
			path = ""
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			ui := authority[:at]
			if ui != Redacted && ui != Redacted+":"+Redacted && ui != "" {
				if strings.Contains(ui, ":") {
					ui = Redacted + ":" + Redacted
				} else {
					ui = Redacted
				}
				add(LeakCredential, "URL user info")
			}
			prefix += ui + "@"
			authority = authority[at+1:]
		}
		h, hs := v.host(authority)
		for range hs {
			add(LeakURL, "URL host")
		}
		prefix += h
	}
	// The path, segment by segment.
	segs := strings.Split(path, "/")
	for n, seg := range segs {
		if seg == "" {
			continue
		}
		plain, err := url.PathUnescape(seg)
		if err == nil && (v.segs[plain] || plain == seg && v.safeName(plain)) {
			continue
		}
		if err != nil {
			plain = seg
		}
		kind := LeakUndocumented
		if k := contentKind(plain); k != "" {
			kind = k
		}
		if v.keeps(plain) {
			continue
		}
		segs[n] = standInName(plain)
		add(kind, "URL path")
	}
	out := prefix + strings.Join(segs, "/")
	if hasQuery {
		q, _ := eachPair(query, func(name, value string) (string, string) {
			newName := name
			pl, documented := contract.Place{}, false
			if request {
				pl, documented = v.queryPlace(name)
			}
			if !documented && !v.rs.query[name] {
				if r, hs := v.name(name); len(hs) > 0 {
					newName = r
					add(LeakKey, "a query parameter name")
				}
			}
			where := "query " + contract.ShownName(name)
			if newName != name { // a name redaction replaces is never printed
				where = "query (a name shaped " + wire.Shape(name) + ")"
			}
			l := leaf{side: sideRequest, place: inForm, name: name, value: value, str: true, ctx: kindOfName(sideRequest, name)}
			var r string
			var hs []hit
			switch {
			case v.rs.query[name] || documented && pl.Kind == contract.PlaceSecret || l.ctx == kindCredential && !documented:
				r = value
				if value != "" && value != Redacted && !v.keeps(value) {
					r, hs = Redacted, one(LeakCredential)
				}
			case documented:
				r, hs = v.value(l, pl, true)
			default:
				r, hs = v.undocumented(l)
			}
			for _, h := range hs {
				add(h.kind, where)
			}
			return newName, r
		})
		out += "?" + q
	}
	if hasFrag {
		plain, err := url.PathUnescape(frag)
		switch {
		case frag == "", err == nil && (v.safeName(plain) || isDigest(plain)), v.keeps(plain):
			out += "#" + frag
		default:
			out += "#" + strings.ReplaceAll(digest(plain), " ", "%20")
			add(LeakURL, "URL fragment")
		}
	}
	return out, hits
}
