package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/kontrak/kontrak/cassette"
	"github.com/kontrak/kontrak/internal/wire"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// ScanFile scans one cassette file as Scan does, streamed interaction by interaction by cassette.Split
// and scanned on every core (forEachInOrder), the leaks in the file's order: for go-vcr's own layout its memory is bounded by the largest interaction and the leaks found, not by the file
// (go-vcr's loader holds the YAML tree of the whole file); any other layout go-vcr reads (JSON, anchors) is
// read too, decoded whole up to cassette.MaxWholeBytes. Its error is one line naming the file; nothing is
// scanned of a file that does not read to its end, and no leak of it is returned.
func ScanFile(file string, r ScanRules) ([]Leak, error) {
	f, err := os.Open(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	defer f.Close()
	return ScanReader(file, f, r)
}

// ScanReader is ScanFile of a cassette read from in; file names it in leaks and errors. Beyond its
// interactions, it reports what redaction would take out of the file itself (interaction -1): a line of
// its comment block that is not kontrak's provenance, or a provenance value it would replace (comment);
// text outside what go-vcr reads of the file, or another layout (layout).
func ScanReader(file string, in io.Reader, r ScanRules) ([]Leak, error) {
	rs := newRuleSet(r.RedactRules)
	var out []Leak
	br := bufio.NewReaderSize(in, 64<<10)
	head, err := cassette.ReadCommentBlock(br)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	lc := newLayoutCheck()
	known := &knownValues{}
	// Each interaction is decoded, written as go-vcr writes it (for the layout check) and scanned on any
	// core; the results are taken in order (parallel.go).
	type scanned struct {
		canon []byte
		leaks []Leak
		known *knownValues
	}
	err = forEachInOrder(io.TeeReader(br, lc.file), func(item cassette.Item) (scanned, error) {
		i, err := item.Decode()
		if err != nil {
			return scanned{}, err
		}
		b, err := cassette.MarshalItem(i)
		if err != nil {
			return scanned{}, err
		}
		ls, k := scanInteraction(rs, r, file, i, item.Index)
		return scanned{b, ls, k}, nil
	}, func(s scanned) error {
		lc.item(s.canon)
		known.merge(s.known)
		out = append(out, s.leaks...)
		return nil
	})
	if err != nil {
		return nil, StreamError(file, err)
	}
	hv := rs.view("", "", func(s string) bool { return r.Public != nil && r.Public("", "", s) })
	hv.known = known
	_, hits := hv.head(head)
	for _, h := range hits {
		out = append(out, Leak{File: file, Interaction: -1, Kind: h.kind, Where: h.where})
	}
	if !lc.canonical() {
		out = append(out, Leak{File: file, Interaction: -1, Kind: LeakLayout, Where: "the text outside its interactions (comments, keys or a layout go-vcr's writer does not write)"})
	}
	return out, nil
}

// StreamError names the file in an error of cassette.Read, as cassette.Load names it: "FILE: not a go-vcr v4
// cassette: …"; or "FILE: cannot read cassette: …" for one too large to read (cassette.ErrTooLarge), which
// may well be a cassette.
func StreamError(file string, err error) error {
	msg := wire.OneLine(err.Error())
	if errors.Is(err, cassette.ErrTooLarge) {
		return fmt.Errorf("%s: cannot read cassette: %s", file, strings.TrimPrefix(msg, "cassette: "))
	}
	if !strings.HasPrefix(msg, "not a go-vcr v4 cassette") {
		msg = "not a go-vcr v4 cassette: " + strings.TrimPrefix(msg, "cassette: ")
	}
	return fmt.Errorf("%s: %s", file, msg)
}

// CheckFile reads a cassette file to its end with cassette.Read, decoding every interaction, and keeps
// nothing: the streaming test that a file is a cassette, before anything is changed or judged.
func CheckFile(file string) error {
	f, err := os.Open(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%s: cannot read cassette: %v", file, err)
	}
	defer f.Close()
	if err := cassette.Read(f, func(int, *vcr.Interaction) error { return nil }); err != nil {
		return StreamError(file, err)
	}
	return nil
}
