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
			body, err = gunzip(body)
		case "deflate":
			if out, zerr := unzlib(body); zerr == nil {
				body = out
				continue
			}
			body, err = inflate(body)
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
	gzipPool  sync.Pool // *gzip.Reader
	zlibPool  sync.Pool // io.ReadCloser that is a zlib.Resetter
	flatePool sync.Pool // io.ReadCloser that is a flate.Resetter
)

func gunzip(body []byte) ([]byte, error) {
	src := bytes.NewReader(body)
	zr, _ := gzipPool.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		if zr, err = gzip.NewReader(src); err != nil {
			return nil, err
		}
	} else if err = zr.Reset(src); err != nil {
		return nil, err // a reader whose Reset failed is not put back
	}
	out, err := ReadBounded(zr)
	gzipPool.Put(zr)
	return out, err
}

func unzlib(body []byte) ([]byte, error) {
	src := bytes.NewReader(body)
	zr, _ := zlibPool.Get().(io.ReadCloser)
	var err error
	if zr == nil {
		if zr, err = zlib.NewReader(src); err != nil {
			return nil, err
		}
	} else if err = zr.(zlib.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	out, err := ReadBounded(zr)
	zlibPool.Put(zr)
	return out, err
}

func inflate(body []byte) ([]byte, error) {
	src := bytes.NewReader(body)
	zr, _ := flatePool.Get().(io.ReadCloser)
	if zr == nil {
		zr = flate.NewReader(src)
	} else if err := zr.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	out, err := ReadBounded(zr)
	flatePool.Put(zr)
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
