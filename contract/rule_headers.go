package contract

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kontrak/kontrak/internal/wire"
)

// The headers stage: the documented response headers (OpenAPI headers, and a code row's retryAfter).

// headersStage judges the documented response headers: those the OpenAPI response declares (required
// ones must be there), and the header a code's table row documents (retryAfter). Each header once.
func (c *checker) headersStage() {
	if c.noHeader {
		c.skip(stageHeaders, noHeaders)
		return
	}
	resp, header := c.resp, c.header
	var doc any
	if c.isJSON {
		doc = c.sj.Doc
	}
	type want struct {
		required bool
		example  string
		source   evidence
	}
	wants := map[string]*want{}
	var order []string
	note := func(name string, required bool, example string, source evidence) {
		key := http.CanonicalHeaderKey(name)
		w, ok := wants[key]
		if !ok {
			w = &want{source: source}
			wants[key] = w
			order = append(order, key)
		}
		w.required = w.required || required
		if w.example == "" {
			w.example = example
		}
		if required && w.source.source == "" {
			w.source = source
		}
	}
	if resp != nil {
		for _, h := range resp.Headers {
			note(h.Name, h.Required, h.Example, from(resp.Source))
		}
	}
	if doc != nil {
		if code, ok := lookupString(doc, c.op.Codes.Pointer); ok {
			if row := c.op.Codes.Lookup(code); row != nil && row.RetryAfter != nil && row.RetryAfter.Header != "" {
				ra := row.RetryAfter
				msg, _ := lookupString(doc, c.op.Codes.MessagePointer)
				// required where the documents show the delay: every answer of the code, or only those of
				// its messages that carry one
				required := len(ra.Messages) == 0 || c.op.Codes.MessagePointer != "" && slices.Contains(ra.Messages, msg)
				note(ra.Header, required, ra.Example, from(row.Source))
			}
		}
	}
	for _, name := range order {
		w := wants[name]
		val := strings.TrimSpace(header.Get(name))
		ptr := "/headers/" + wire.Escape(name)
		switch {
		case val == "" && w.required:
			c.add(HeaderMissing, "", ptr, "header "+name, "absent", w.source)
		case val != "" && strings.EqualFold(name, "Retry-After") && !retryAfterWellFormed(val, w.example):
			c.add(HeaderMalformed, "", ptr, "delay-seconds or an HTTP-date (RFC 9110 §10.2.3)", "a value shaped "+wire.Shape(val), w.source)
		}
	}
}

var delaySeconds = regexp.MustCompile(`^[0-9]+$`)

// retryAfterWellFormed accepts RFC 9110's forms (delay-seconds, HTTP-date), and the shape of the example
// the documents give when it is another ("10s"): what the vendor documents is what its clients parse.
func retryAfterWellFormed(v, example string) bool {
	if delaySeconds.MatchString(v) {
		return true
	}
	if _, err := http.ParseTime(v); err == nil {
		return true
	}
	if example != "" && !delaySeconds.MatchString(example) {
		if _, err := time.Parse(http.TimeFormat, example); err != nil {
			return collapseDigits(wire.Shape(v)) == collapseDigits(wire.Shape(example))
		}
	}
	return false
}

// collapseDigits makes "99a" and "9a" one shape: a documented "10s" accepts "5s" and "120s".
func collapseDigits(s string) string {
	return regexp.MustCompile(`9+`).ReplaceAllString(s, "9")
}
