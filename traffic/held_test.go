package traffic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kontrak/kontrak/contract"
)

// TestHeldBytesAreNotKept: a record's bytes are reused by the records after it once it is decoded, so an
// exchange must hold nothing of them. Read decodes each record as it is cut, so every buffer is reused
// many times over; each exchange kept to the end must still be the one its own copy of the bytes decodes
// to (the race detector would also see a reader of a reused buffer).
func TestHeldBytesAreNotKept(t *testing.T) {
	xs := withOthers(corpus(t))
	for _, f := range []Format{NDJSON, HAR} {
		var buf bytes.Buffer
		n := len(xs)
		if f == NDJSON {
			writeNDJSON(&buf, xs)
			// And the answers that are JSON written as the body itself (an object, not a string), which
			// the reader takes as it is written: a copy, or the next line's bytes would show through.
			for _, x := range xs {
				if json.Valid(x.Body) && len(x.Body) > 0 {
					fmt.Fprintf(&buf, "{\"method\":%q,\"url\":%q,\"status\":%d,\"response_headers\":{},\"response_body\":%s}\n", x.Method, x.URL, x.Status, x.Body)
					n++
				}
			}
		} else {
			writeHAR(&buf, xs)
		}
		var got []*contract.Exchange
		if err := Read(bytes.NewReader(buf.Bytes()), "log", f, Limits{}, func(_ int, ex *contract.Exchange) error {
			got = append(got, ex)
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Every record cut before any is decoded: each holds a buffer of its own.
		var recs []Record
		_ = Split(bytes.NewReader(buf.Bytes()), "log", f, Limits{}, func(r Record) error { recs = append(recs, r); return nil })
		if len(recs) != len(got) || len(got) != n || n == len(xs) && f == NDJSON {
			t.Fatalf("%s: %d records, %d exchanges read, %d written", f, len(recs), len(got), n)
		}
		for i, r := range recs {
			ex, err := r.Decode()
			if err != nil {
				t.Fatalf("%s: record %d: %v", f, i, err)
			}
			if d := cmp.Diff(ex, got[i]); d != "" {
				t.Fatalf("%s: exchange %d changed after its bytes were reused (-own copy +kept):\n%s", f, i, d)
			}
			if _, err := r.Decode(); err == nil || !strings.Contains(err.Error(), errDecodedTwice.Error()) {
				t.Fatalf("%s: record %d decoded twice: %v, want %v", f, i, err, errDecodedTwice)
			}
		}
	}
}
