package wire

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"sync"
)

// MaxDecodedBody bounds what DecodeContentEncoding inflates: a small gzip bomb must not take the memory.
const MaxDecodedBody = 16 << 20

// DecodeContentEncoding undoes a Content-Encoding header value (gzip, x-gzip, deflate, identity; a list
// is undone right to left, as RFC 9110 §8.4 orders it). "" and identity give body unchanged. An
// encoding it does not know, or a body that does not decode, is an error naming the encoding.
// deflate is read as zlib (RFC 9110) and, failing that, as the raw deflate some servers send.
func DecodeContentEncoding(encoding string, body []byte) ([]byte, error) {
	return DecodeContentEncodingWith(encoding, body, nil)
}

// Decoders are further content codings a caller decodes (redaction adds br and zstd), each reading its
// body within MaxDecodedBody (ReadBounded).
type Decoders map[string]func(body []byte) ([]byte, error)

// EncodingError is a content coding that is not known (Unknown) or whose body does not decode (Err).
type EncodingError struct {
	Coding  string
	Unknown bool
	Err     error
}

func (e *EncodingError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("content encoding %q: not one kontrak decodes (gzip, deflate, identity)", e.Coding)
	}
	return fmt.Sprintf("content encoding %q: %v", e.Coding, e.Err)
}

func (e *EncodingError) Unwrap() error { return e.Err }

// DecodeContentEncodingWith is DecodeContentEncoding with more codings; the error is an *EncodingError.
func DecodeContentEncodingWith(encoding string, body []byte, more Decoders) ([]byte, error) {
	codings := strings.Split(encoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		var err error
		switch c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			body, err = gzipCoding.decode(body)
		case "deflate":
			if out, zerr := zlibCoding.decode(body); zerr == nil {
				body = out
				continue
			}
			body, err = flateCoding.decode(body)
		default:
			f, ok := more[c]
			if !ok {
				return nil, &EncodingError{Coding: c, Unknown: true}
			}
			body, err = f(body)
		}
		if err != nil {
			return nil, &EncodingError{Coding: c, Err: err}
		}
	}
	return body, nil
}

// The decompressors are pooled: each holds tables and a 32 KiB window that a log of a million gzip
// answers would otherwise allocate a million times.
var (
	gzipCoding = decompressor[*gzip.Reader]{open: gzip.NewReader, reset: (*gzip.Reader).Reset}
	zlibCoding = decompressor[io.ReadCloser]{open: zlib.NewReader,
		reset: func(r io.ReadCloser, src io.Reader) error { return r.(zlib.Resetter).Reset(src, nil) }}
	flateCoding = decompressor[io.ReadCloser]{open: func(src io.Reader) (io.ReadCloser, error) { return flate.NewReader(src), nil },
		reset: func(r io.ReadCloser, src io.Reader) error { return r.(flate.Resetter).Reset(src, nil) }}
)

// decompressor is one pooled coding: open makes a reader of it, reset readies a pooled one for new input.
type decompressor[R io.Reader] struct {
	pool  sync.Pool // R
	open  func(io.Reader) (R, error)
	reset func(R, io.Reader) error
}

// decode is body decoded, up to MaxDecodedBody (ReadBounded).
func (d *decompressor[R]) decode(body []byte) ([]byte, error) {
	src := bytes.NewReader(body)
	zr, pooled := d.pool.Get().(R)
	if !pooled {
		var err error
		if zr, err = d.open(src); err != nil {
			return nil, err
		}
	} else if err := d.reset(zr, src); err != nil {
		return nil, err // a reader whose Reset failed is not put back
	}
	out, err := ReadBounded(zr)
	d.pool.Put(zr)
	return out, err
}

// ReadBounded reads r to its end, up to MaxDecodedBody: more is an error.
func ReadBounded(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDecodedBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDecodedBody {
		return nil, fmt.Errorf("decodes to more than %d bytes", MaxDecodedBody)
	}
	return b, nil
}
