package cassette

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Read streams a go-vcr v4 cassette interaction by interaction: fn gets each interaction, in file
// order, with its index in the file (0-based; the interaction's own ID is it.ID). Memory is bounded by the
// largest single interaction, not the file: the file is never decoded as one YAML tree. go-vcr's own
// loader builds a node tree of the whole file (2.5 GB for a 93 MB cassette); this reader splits the
// top-level `interactions` sequence at its items and decodes one item at a time.
//
// The reader accepts the cassettes go-vcr writes (block style, any indentation) and, for other shapes of
// the `interactions` value (flow style, `[]`), decodes that value whole. An error from fn stops the read
// and is returned as is; every other error names the interaction index. A missing version, or one other
// than go-vcr v4's, is an error — reported at the end when `version` comes after the interactions.
// Read never panics on any input.
//
// It is the one streaming reader of cassettes: check, scan and redact (RedactFile) all read through it.
func Read(r io.Reader, fn func(i int, it *vcr.Interaction) error) error {
	return Split(r, func(item Item) error {
		it, err := item.Decode()
		if err != nil {
			return err
		}
		return fn(item.Index, it)
	})
}

// An Item is one interaction of a cassette as Split cut it, not yet decoded: Decode reads it.
// Items are independent of each other and of the reader, so they can be decoded on any goroutine.
type Item struct {
	Index int // in the file, 0-based
	Line  int // of its first line
	doc   []byte
	it    *vcr.Interaction // already decoded (a flow sequence)
}

// Decode reads the item: go-vcr's own layout by a fast reader, anything else by the YAML decoder (the
// two agree wherever the fast reader reads). The error names the interaction and its line.
func (item Item) Decode() (it *vcr.Interaction, err error) {
	defer func() {
		if p := recover(); p != nil {
			it, err = nil, fmt.Errorf("interaction %d (line %d): unreadable (internal error: %v)", item.Index, item.Line, p)
		}
	}()
	it = item.it
	if item.doc != nil {
		if it, err = decodeItem(item.doc); err != nil {
			return nil, fmt.Errorf("interaction %d (line %d): %s", item.Index, item.Line, wire.OneLine(err.Error()))
		}
	}
	if it == nil {
		return nil, fmt.Errorf("interaction %d (line %d): empty", item.Index, item.Line)
	}
	return it, nil
}

// Split is Read's first half: it cuts the file into its items, in file order, without
// decoding them (a line scan; the YAML of an item is read by Item.Decode). It checks what Read
// checks of the file as a whole: the version, one interactions key, at least one item.
func Split(r io.Reader, fn func(Item) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cassette: unreadable (internal error: %v)", p)
		}
	}()
	s := cassetteStream{br: bufio.NewReaderSize(r, 64<<10), fn: fn, itemIndent: -1}
	if err := s.run(); err != nil {
		return err
	}
	if s.n == 0 { // as Parse: nothing to judge or replay is an error, not a pass
		return errors.New("an empty cassette: no interaction to judge or replay")
	}
	return nil
}

type cassetteStream struct {
	br         *bufio.Reader
	fn         func(Item) error
	line       []byte // the current line, without its line break
	lineNo     int
	version    *int
	inItems    bool // inside the block sequence of `interactions`
	itemIndent int  // indentation of its `-`, once known
	item       []byte
	itemLine   int
	n          int // interactions delivered
	sawItems   bool
	buf        bytes.Buffer
}

// readLine reads one line, however long; io.EOF only when nothing is left.
func (s *cassetteStream) readLine() error {
	s.buf.Reset()
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.buf.Write(chunk)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && s.buf.Len() > 0 {
			err = nil
		}
		if err != nil {
			return err
		}
		break
	}
	s.lineNo++
	s.line = bytes.TrimRight(s.buf.Bytes(), "\r\n")
	return nil
}

func (s *cassetteStream) run() error {
	for {
		err := s.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("cassette: line %d: %v", s.lineNo+1, err)
		}
		if err := s.handle(s.line); err != nil {
			return err
		}
	}
	if err := s.flush(); err != nil {
		return err
	}
	switch {
	case s.version == nil:
		return errors.New("not a go-vcr v4 cassette: no version")
	case *s.version != vcr.CassetteFormatVersion:
		return fmt.Errorf("not a go-vcr v4 cassette: version %d, want %d", *s.version, vcr.CassetteFormatVersion)
	}
	return nil
}

func indentOf(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

func blankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) == 0 || t[0] == '#'
}

func (s *cassetteStream) handle(line []byte) error {
	if s.inItems {
		if blankOrComment(line) {
			if s.item != nil {
				s.item = append(append(s.item, line...), '\n')
			}
			return nil
		}
		ind := indentOf(line)
		rest := line[ind:]
		isDash := len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')
		if s.itemIndent < 0 && isDash {
			s.itemIndent = ind
		}
		switch {
		case isDash && ind == s.itemIndent:
			if err := s.flush(); err != nil {
				return err
			}
			s.item = append(s.item[:0], line...)
			s.item = append(s.item, '\n')
			s.itemLine = s.lineNo
			return nil
		case s.item != nil && ind > s.itemIndent:
			s.item = append(append(s.item, line...), '\n')
			return nil
		}
		// Anything else ends the sequence: a top-level key.
		if err := s.flush(); err != nil {
			return err
		}
		s.inItems = false
	}
	if blankOrComment(line) || bytes.Equal(line, []byte("---")) || bytes.Equal(line, []byte("...")) {
		return nil
	}
	if indentOf(line) > 0 {
		return nil // inside a top-level value this reader does not use
	}
	key, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return fmt.Errorf("not a go-vcr v4 cassette: line %d is not a key", s.lineNo)
	}
	value = bytes.TrimSpace(value)
	switch string(bytes.TrimSpace(key)) {
	case "version":
		v, err := strconv.Atoi(string(value))
		if err != nil {
			return fmt.Errorf("not a go-vcr v4 cassette: version %q is not a number", value)
		}
		s.version = &v
	case "interactions":
		if s.sawItems {
			return fmt.Errorf("not a go-vcr v4 cassette: line %d: interactions given twice", s.lineNo)
		}
		s.sawItems = true
		if len(value) == 0 || value[0] == '#' {
			s.inItems, s.itemIndent = true, -1
			return nil
		}
		return s.flow(value)
	}
	return nil
}

// flow decodes an `interactions` value written on its own line ([] or a flow sequence).
func (s *cassetteStream) flow(value []byte) error {
	var items []*vcr.Interaction
	if err := yaml.Unmarshal(value, &items); err != nil {
		return fmt.Errorf("not a go-vcr v4 cassette: line %d: interactions: %s", s.lineNo, wire.OneLine(err.Error()))
	}
	for _, it := range items {
		if err := s.deliver(Item{Line: s.lineNo, it: it}); err != nil {
			return err
		}
	}
	return nil
}

// flush hands on the item collected so far, as a mapping: its dash becomes a space.
func (s *cassetteStream) flush() error {
	if s.item == nil {
		return nil
	}
	doc := s.item
	s.item = nil
	doc[s.itemIndent] = ' '
	return s.deliver(Item{Line: s.itemLine, doc: doc})
}

func (s *cassetteStream) deliver(item Item) error {
	item.Index = s.n
	s.n++
	return s.fn(item)
}

// ExchangeOf reads one go-vcr interaction as the contract reads it. The error (a URL that does not parse)
// names nothing: the caller knows the file and the index.
func ExchangeOf(i *vcr.Interaction) (contract.Exchange, error) {
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return contract.Exchange{}, fmt.Errorf("bad URL: %v", err)
	}
	return contract.Exchange{
		ID: i.ID, Method: i.Request.Method, URL: i.Request.URL, Path: u.Path,
		RequestHeader: i.Request.Headers, RequestBody: []byte(i.Request.Body),
		Status: i.Response.Code, Header: i.Response.Headers, Body: []byte(i.Response.Body),
	}, nil
}
