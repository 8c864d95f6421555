package traffic

// The HAR reader as it was before the lexer: encoding/json's Decoder over the whole file. FuzzHARSplit holds
// the reader to this oracle's reading.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

func oracleReadHAR(r io.Reader, lim Limits, fn func(i int, ex *contract.Exchange) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("HAR: unreadable (internal error: %v)", p)
		}
	}()
	dec := json.NewDecoder(r)
	if err := oracleExpectDelim(dec, '{', "HAR: not a HAR file: the top level is not an object"); err != nil {
		return err
	}
	sawLog := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("HAR: not a HAR file: %v", err)
		}
		if key != "log" {
			if err := oracleSkipValue(dec); err != nil {
				return fmt.Errorf("HAR: %v", err)
			}
			continue
		}
		sawLog = true
		if err := oracleReadLog(dec, lim, fn); err != nil {
			return err
		}
	}
	if !sawLog {
		return errors.New("HAR: not a HAR file: no log object")
	}
	return nil
}

func oracleExpectDelim(dec *json.Decoder, d json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s (%v)", msg, err)
	}
	if tok != d {
		return errors.New(msg)
	}
	return nil
}

func oracleSkipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

func oracleReadLog(dec *json.Decoder, lim Limits, fn func(int, *contract.Exchange) error) error {
	if err := oracleExpectDelim(dec, '{', "HAR: log is not an object"); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("HAR: log: %v", err)
		}
		if key != "entries" {
			if err := oracleSkipValue(dec); err != nil {
				return fmt.Errorf("HAR: log.%v: %v", key, err)
			}
			continue
		}
		if err := oracleExpectDelim(dec, '[', "HAR: log.entries is not an array"); err != nil {
			return err
		}
		for i := 0; dec.More(); i++ {
			var e harEntry
			if err := dec.Decode(&e); err != nil {
				return fmt.Errorf("HAR: entry %d: %v", i, err)
			}
			ex, err := e.exchange(i, lim)
			if err != nil {
				return fmt.Errorf("HAR: entry %d: %v", i, err)
			}
			if err := fn(i, ex); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("HAR: log.entries: %v", err)
		}
	}
	_, err := dec.Token()
	if err != nil {
		return fmt.Errorf("HAR: log: %v", err)
	}
	return nil
}

// FuzzHARSplit: the HAR reader reads what the oracle reads, entry by entry, and fails where it fails.
// Seeds: a generated HAR file of the committed corpus, and testdata/fuzz/FuzzHARSplit.
func FuzzHARSplit(f *testing.F) {
	var buf bytes.Buffer
	writeHAR(&buf, withOthers(corpus(f))[:12])
	f.Add(buf.Bytes())
	f.Add([]byte(`{"x":[1,{"a":"]"}],"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://a/b"},"response":{"status":200,"content":{"text":"\\\"}"}}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		type got struct {
			n  int
			ex *contract.Exchange
		}
		var a, b []got
		errA := ReadHAR(bytes.NewReader(data), Limits{}, func(i int, ex *contract.Exchange) error { a = append(a, got{i, ex}); return nil })
		errB := oracleReadHAR(bytes.NewReader(data), Limits{}, func(i int, ex *contract.Exchange) error { b = append(b, got{i, ex}); return nil })
		if errA != nil && !wire.ValidJSON(data) {
			// The oracle stops at the closing of the log and lets a file cut short after it (no closing
			// brace), or data after it, pass, and reads invalid UTF-8 and a lone surrogate as U+FFFD;
			// the reader refuses what is not one whole JSON object under the one UTF-8 policy: a log
			// cut short is an error, never a pass. What both read before is the same. (The oracle may
			// fail too, later: an entry with invalid UTF-8 in a file cut short after it is read by the
			// oracle and refused by the reader; testdata/fuzz/FuzzHARSplit/0f1dc41b2b0accd3.)
			if len(a) > len(b) {
				t.Fatalf("the splitter read %d entries of a file the oracle read %d of", len(a), len(b))
			}
			b = b[:len(a)]
			if len(a) == 0 {
				b = nil // as a: nothing read
			}
			if errB == nil {
				errB = errA
			}
		}
		if (errA == nil) != (errB == nil) {
			t.Fatalf("error %v, the oracle's %v\n%q", errA, errB, data)
		}
		if d := cmp.Diff(b, a, cmp.AllowUnexported(got{})); d != "" {
			t.Fatalf("(-oracle +splitter):\n%s\n%q", d, data)
		}
	})
}

// FuzzFastEntry: decodeEntry reads an entry as json.Unmarshal reads it, or, where the UTF-8 policy
// refuses what encoding/json reads as U+FFFD, refuses it. Seeds: the entries of a generated HAR file, and
// testdata/fuzz/FuzzFastEntry.
func FuzzFastEntry(f *testing.F) {
	var buf bytes.Buffer
	writeHAR(&buf, withOthers(corpus(f))[:30])
	var har struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil {
		f.Fatal(err)
	}
	for _, e := range har.Log.Entries {
		f.Add([]byte(e))
	}
	f.Add([]byte(`{"request":{"method":"POST","url":"u","postData":{"params":[{"name":"a","fileName":"k.jpg"},null],"text":null}},"response":{"status":200,"headers":[],"content":null},"Request":1}`))
	f.Add([]byte(`{"REQUEST":{"Method":"GET","url":"u","url":null},"request":{"url":"v"},"ſtartedDateTime":"x","started_date_time":"y"}`))
	f.Add([]byte(`{"request":{"method":"GET\ud800","url":"u"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := decodeEntry(raw)
		var want harEntry
		werr := json.Unmarshal(raw, &want)
		if err != nil && werr == nil && json.Valid(raw) && !wire.ValidJSON(raw) {
			return // the UTF-8 policy
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("decodeEntry %v, encoding/json %v:\n%q", err, werr, raw)
		}
		if err != nil {
			return
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("(-encoding/json +decodeEntry):\n%s\n%q", d, raw)
		}
	})
}

// Every entry of the generated HAR file reads as encoding/json reads it.
func TestFastEntryReadsGeneratedHAR(t *testing.T) {
	var buf bytes.Buffer
	writeHAR(&buf, withOthers(corpus(t)))
	var har struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil {
		t.Fatal(err)
	}
	for i, e := range har.Log.Entries {
		got, err := decodeEntry(e)
		if err != nil {
			t.Fatalf("entry %d: %v\n%s", i, err, e)
		}
		var want harEntry
		if err := json.Unmarshal(e, &want); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("entry %d (-encoding/json +decodeEntry):\n%s", i, d)
		}
	}
	if len(har.Log.Entries) < 100 {
		t.Fatalf("only %d entries", len(har.Log.Entries))
	}
}
