package wire

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
)

// MaxDecodedBody bounds what DecodeContentEncoding inflates: a small gzip bomb must not take the memory.
const MaxDecodedBody = 16 << 20

// DecodeContentEncoding undoes a Content-Encoding header value (gzip, x-gzip, deflate, identity; a list
// is undone right to left, as RFC 9110 §8.4 orders it). "" and identity give body unchanged. An
// encoding it does not know, or a body that does not decode, is an error naming the encoding.
// deflate is read as zlib (RFC 9110) and, failing that, as the raw deflate some servers send.
func DecodeContentEncoding(encoding string, body []byte) ([]byte, error) {
	codings := strings.Split(encoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		var err error
		switch c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			var zr *gzip.Reader
			if zr, err = gzip.NewReader(bytes.NewReader(body)); err == nil {
				body, err = readBounded(zr)
			}
		case "deflate":
			var zr io.ReadCloser
			if zr, err = zlib.NewReader(bytes.NewReader(body)); err == nil {
				var out []byte
				if out, err = readBounded(zr); err == nil {
					body = out
					continue
				}
			}
			body, err = readBounded(flate.NewReader(bytes.NewReader(body)))
		default:
			return nil, fmt.Errorf("content encoding %q: not one kontrak decodes (gzip, deflate, identity)", c)
		}
		if err != nil {
			return nil, fmt.Errorf("content encoding %q: %v", c, err)
		}
	}
	return body, nil
}

func readBounded(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDecodedBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDecodedBody {
		return nil, fmt.Errorf("decodes to more than %d bytes", MaxDecodedBody)
	}
	return b, nil
}
