package traffic

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
)

// Format is an input shape.
type Format string

// The input shapes.
const (
	Auto     Format = ""         // detect from the name, else the first bytes
	Cassette Format = "cassette" // go-vcr v4 YAML
	HAR      Format = "har"      // HAR 1.2 JSON
	NDJSON   Format = "ndjson"   // one JSON object a line
)

// ParseFormat reads a --input value.
func ParseFormat(s string) (Format, error) {
	switch Format(strings.ToLower(s)) {
	case Auto, "auto":
		return Auto, nil
	case Cassette, "yaml", "vcr":
		return Cassette, nil
	case HAR:
		return HAR, nil
	case NDJSON, "jsonl", "jsonlines":
		return NDJSON, nil
	}
	return "", fmt.Errorf("unknown input format %q: known formats are cassette, har, ndjson (or auto)", s)
}

// Detect names the shape of an input from its file name (.har; .ndjson, .jsonl; .yaml, .yml) or, failing
// that, its first bytes: a JSON object whose first key is "log" is HAR, another JSON object NDJSON, and
// anything else a cassette.
func Detect(name string, head []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".har":
		return HAR
	case ".ndjson", ".jsonl":
		return NDJSON
	case ".yaml", ".yml":
		return Cassette
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return Cassette
	}
	dec := wire.NewJSONDecoder(bytes.NewReader(t))
	if tok, err := dec.ReadToken(); err == nil && tok.Kind() == '{' {
		if key, err := dec.ReadToken(); err == nil && key.Kind() == '"' && key.String() == "log" {
			return HAR
		}
	}
	return NDJSON
}

// Limits bound what one interaction may take: a line of NDJSON, a decoded body.
type Limits struct {
	// MaxInteraction is the largest single interaction read (an NDJSON line, a HAR entry's body after
	// base64 and gzip decoding); larger is an error naming the interaction. 0 means 64 MiB.
	MaxInteraction int
}

func (l Limits) max() int {
	if l.MaxInteraction <= 0 {
		return 64 << 20
	}
	return l.MaxInteraction
}

// Read streams the interactions of one input in its format: fn gets each, in input order, with its index
// (0-based). An error from fn stops the read and is returned as is; other errors name the index.
func Read(r io.Reader, name string, f Format, lim Limits, fn func(i int, ex *contract.Exchange) error) error {
	return split(r, name, f, lim, decodeEach(fn))
}

// Record is one exchange of an input as Split cut it, not yet decoded: Decode reads it on any goroutine
// (records share nothing with the reader or each other), so that a caller decodes on every core, as Check
// does, and keeps its results in order (internal/ordered).
type Record struct{ rec record }

// Index is the record's place in its input, 0-based.
func (r Record) Index() int { return r.rec.index }

// Size is the bytes the record holds (ordered.Sized: the bound of memory in flight).
func (r Record) Size() int { return r.rec.size }

// Decode reads the record; its error names the interaction, a panic inside included.
func (r Record) Decode() (*contract.Exchange, error) { return r.rec.decodeSafe() }

// Split cuts one input into records in its format (detected when Auto), in input order, as Read reads it
// without decoding: an error of fn stops the cut and is returned as is; other errors name the index.
func Split(r io.Reader, name string, f Format, lim Limits, fn func(Record) error) error {
	return split(r, name, f, lim, func(rec record) error { return fn(Record{rec}) })
}

// A record is one interaction of an input as its reader cut it, not yet decoded: decode reads it, on any
// goroutine (records share nothing with the reader or each other). Check decodes on its workers, so that
// the reader only cuts the input (a line or bracket scan) and the decoding runs on every core.
type record struct {
	index  int
	size   int // the bytes it holds, for the bound of memory in flight (ordered.Sized)
	decode func() (*contract.Exchange, error)
}

// heldBytes are a record's own copy of its bytes, from a pool: a record's bytes are garbage once it is
// decoded (the exchange holds copies of all it keeps), so a later record reuses them rather than allocating
// its own (issue 18: the largest allocation of a log check after the lexer's names, and the collector's
// pace follows the bytes allocated).
type heldBytes struct {
	b    *[]byte
	done bool
}

var recordBufs = sync.Pool{New: func() any { return new([]byte) }}

// holdBytes copies b into a pooled buffer.
func holdBytes(b []byte) *heldBytes {
	p := recordBufs.Get().(*[]byte)
	*p = append((*p)[:0], b...)
	return &heldBytes{b: p}
}

// take gives the bytes, once: done is true when they were taken before (a record decoded twice reads
// nothing another record may by now hold).
func (h *heldBytes) take() (b []byte, done bool) {
	if h.done {
		return nil, true
	}
	h.done = true
	return *h.b, false
}

// release returns the buffer to the pool; one grown past 64 KiB is let go rather than kept.
func (h *heldBytes) release() {
	if h.b != nil && cap(*h.b) <= 64<<10 {
		recordBufs.Put(h.b)
	}
	h.b = nil
}

// errDecodedTwice is a record's answer to a second Decode.
var errDecodedTwice = errors.New("the record was decoded already")

// decodeEach turns a reader of records into a reader of exchanges, decoding in order.
func decodeEach(fn func(int, *contract.Exchange) error) func(record) error {
	return func(rec record) error {
		ex, err := rec.decodeSafe()
		if err != nil {
			return err
		}
		return fn(rec.index, ex)
	}
}

// unreadable, deferred by a reader of a whole format, turns a panic into the reader's error:
// "FORMAT: unreadable (internal error: …)".
func unreadable(format string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s: unreadable (internal error: %v)", format, p)
	}
}

// decodeSafe decodes a record; a panic inside becomes an error naming the interaction.
func (rec record) decodeSafe() (ex *contract.Exchange, err error) {
	defer func() {
		if p := recover(); p != nil {
			ex, err = nil, fmt.Errorf("interaction %d: unreadable (internal error: %v)", rec.index, p)
		}
	}()
	return rec.decode()
}

// buffered is r, read through a buffer of its own unless it has one.
func buffered(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return br
	}
	return bufio.NewReaderSize(r, 64<<10)
}

// split cuts one input into records in its format (detected when Auto).
func split(r io.Reader, name string, f Format, lim Limits, fn func(record) error) error {
	br := buffered(r)
	if f == Auto {
		head, _ := br.Peek(4096)
		f = Detect(name, head)
	}
	switch f {
	case HAR:
		return splitHAR(br, lim, fn)
	case NDJSON:
		return splitNDJSON(br, lim, fn)
	default:
		return splitCassette(br, fn)
	}
}

// ReadCassette streams a go-vcr v4 cassette through cassette.Read. A cassette whose provenance comment
// block (cassette.ParseProvenance) is one kontrak writes — a documented example, an answer derived from a
// table, a live recording redacted — holds kontrak's own synthetic personal values: each of its exchanges
// is Exchange.Synthetic. Any other cassette is not.
func ReadCassette(r io.Reader, fn func(i int, ex *contract.Exchange) error) error {
	return splitCassette(buffered(r), decodeEach(fn))
}

// provenanceMax bounds the comment block read for a cassette's provenance: kontrak writes it first, in a
// few lines (cassette.Provenance.Header), so a block longer than this is not one kontrak wrote.
const provenanceMax = 16 << 10

// synthetic reports whether the cassette that br begins holds kontrak's own values: its opening comment
// block is a provenance kontrak writes, complete for its kind (cassette.Provenance.Valid). Only complete
// lines of the block within provenanceMax are read; br is not advanced.
func synthetic(br *bufio.Reader) bool {
	head, err := br.Peek(provenanceMax)
	if err != io.EOF { // the input goes on: its last line here may be cut
		if cut := bytes.LastIndexByte(head, '\n'); cut >= 0 {
			head = head[:cut+1]
		}
	}
	return cassette.ParseProvenance(head).Valid() == nil
}

func splitCassette(br *bufio.Reader, fn func(record) error) error {
	own := synthetic(br)
	return cassette.Split(br, func(item cassette.Item) error {
		return fn(record{item.Index, item.Size(), func() (*contract.Exchange, error) {
			it, err := item.Decode()
			if err != nil {
				return nil, err
			}
			rx, err := cassette.ExchangeOf(it, item.Index)
			if err != nil {
				return nil, &readError{item.Index, err}
			}
			ex := &rx
			ex.Synthetic = own
			normalise(ex, 0)
			return ex, nil
		}})
	})
}

// readError is an error of one interaction of an input.
type readError struct {
	index int
	err   error
}

func (e *readError) Error() string { return fmt.Sprintf("interaction %d: %v", e.index, e.err) }
func (e *readError) Unwrap() error { return e.err }

// normalise sets Path from URL and decodes a gzip or deflate answer, so that every shape reaches the
// contract the same way (an answer without a body, or without the headers that would name its encoding, is
// left as it came). A Content-Encoding over bytes that are not encoded (a HAR exporter stores the
// decoded text and keeps the header) is dropped: the body is what the client read.
func normalise(ex *contract.Exchange, max int) {
	if ex.Path == "" && ex.URL != "" {
		if u, err := url.Parse(ex.URL); err == nil {
			ex.Path = u.Path
		}
	}
	if ex.Header == nil {
		ex.Header = http.Header{}
	}
	if ex.NoBody || ex.NoHeader {
		return // nothing to decode, or no header that says how: the body is read as it came
	}
	enc := strings.ToLower(strings.TrimSpace(ex.Header.Get("Content-Encoding")))
	if enc == "" || enc == "identity" {
		return
	}
	// A HAR exporter stores the decoded text and keeps the header: bytes that are not encoded stay as
	// they are, and the header goes.
	if ((enc == "gzip" || enc == "x-gzip") && !bytes.HasPrefix(ex.Body, []byte{0x1f, 0x8b})) ||
		(enc == "deflate" && wire.ValidJSON(ex.Body)) {
		ex.Header.Del("Content-Encoding")
		return
	}
	out, err := wire.DecodeContentEncoding(enc, ex.Body)
	if err != nil || (max > 0 && len(out) > max) {
		return // undecodable or unknown (br, zstd): the body stays as it came, for the contract to name
	}
	ex.Body = out
	ex.Header = ex.Header.Clone()
	ex.Header.Del("Content-Encoding")
	ex.Header.Del("Content-Length")
}
