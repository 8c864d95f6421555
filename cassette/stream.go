package cassette

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/internal/wire"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Read streams a go-vcr v4 cassette interaction by interaction: fn gets each interaction, in file
// order, with its index in the file (0-based; the interaction's own ID is it.ID). It reads exactly the
// cassettes go-vcr's own loader reads (yaml.Unmarshal of the first YAML document), and refuses what it
// refuses, with the same interactions: go-vcr's block layout, but also a cassette written as JSON, flow
// style, anchors and aliases anywhere, merge keys, comments, document markers.
//
// Memory is bounded by the largest single interaction, not by the file, for go-vcr's own block layout
// (what go-vcr and kontrak write): go-vcr's loader builds a node tree of the whole file (2.5 GB for a
// 93 MB cassette); this reader cuts the top-level `interactions` sequence at its items with a line scan
// and decodes one item at a time. A layout the line scan cannot cut safely (JSON or a flow-style
// document, an anchor that a later item may alias, a quoted scalar or flow collection that runs on past
// its item) is decoded whole by the YAML decoder from the first item the scan cannot cut: see
// MaxWholeBytes for what that costs and its bound.
//
// An error from fn stops the read and is returned as is; every other error names the line or the
// interaction index. A missing version, or one other than go-vcr v4's, is an error — reported at the end
// when the version comes after streamed interactions. Read never panics on any input.
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

// MaxWholeBytes bounds what Split holds to decode with the YAML decoder at once: everything of a
// cassette but the items its line scan cut and streamed. For go-vcr's own layout that is a few lines
// (the version, the `interactions` key); for a layout the scan cannot cut it is the rest of the file from
// the first item it could not cut (all of it, for a cassette written as JSON). The YAML decoder then holds
// the node tree and the interactions of that text together: measured on generated cassettes, a peak heap
// of about 10 times the text for block YAML and 55 times for JSON (the decoder's flow scanner keeps more
// per scalar), so 16 MiB of JSON costs some 900 MB. Beyond the bound the read fails with ErrTooLarge, a
// one-line error, rather than run out of memory.
const MaxWholeBytes = 16 << 20

// ErrTooLarge is the error of a cassette Split would have to hold more than MaxWholeBytes of to decode.
var ErrTooLarge = errors.New("too large to read: more than 16 MiB in a layout the streaming reader decodes whole " +
	"(JSON, flow style, anchors across interactions, multi-line flow scalars); go-vcr's own block layout streams at any size")

// An Item is one interaction of a cassette as Split cut it, not yet decoded: Decode reads it.
// Items are independent of each other and of the reader, so they can be decoded on any goroutine.
type Item struct {
	Index int // in the file, 0-based
	Line  int // of its first line; for an item decoded whole, known only when it is empty (else 0)
	// Whole is true for an item the YAML decoder read with the rest of the document (a layout the line
	// scan could not cut): it is decoded already, and Decode only hands it on. A writer that rewrites
	// items (redaction) writes it in go-vcr's own layout, which the original was not.
	Whole bool
	doc   []byte
	it    *vcr.Interaction // already decoded (Whole)
}

// Size is the bytes of the file the item holds (ordered.Sized: the bound of memory in flight); an item
// decoded whole holds a decoded interaction, whose size is not counted.
func (item Item) Size() int { return len(item.doc) }

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
			return nil, fmt.Errorf("interaction %d (line %d): %s", item.Index, item.Line, wire.OneLine(wire.ShapeQuoted(err.Error())))
		}
	}
	if it == nil {
		return nil, fmt.Errorf("interaction %d (line %d): empty", item.Index, item.Line)
	}
	return it, nil
}

// Split is Read's first half: it cuts the file into its items, in file order, without decoding them
// (a line scan; the YAML of an item is read by Item.Decode), but for the items it must decode whole
// (Item.Whole). It checks what Read checks of the file as a whole, with the YAML decoder, on the file
// without the items it cut: the version, one interactions key, at least one item, and that everything
// outside the items is what go-vcr reads.
func Split(r io.Reader, fn func(Item) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cassette: unreadable (internal error: %v)", p)
		}
	}()
	s := cassetteStream{br: bufio.NewReaderSize(r, 64<<10), fn: fn, itemIndent: -1}
	s.cut.reset()
	if err := s.run(); err != nil {
		return err
	}
	if s.n == 0 { // as Parse: nothing to judge or replay is an error, not a pass
		return errors.New("an empty cassette: no interaction to judge or replay")
	}
	return nil
}

// The phases of the line scan.
const (
	inPreamble = iota // before the interactions key: kept, to be decoded at the end
	inItems           // in the block sequence of `interactions`: items are cut and handed on
	inTrailer         // after it: kept, to be decoded at the end
	inWhole           // from an item the scan cannot cut: everything kept, decoded whole at the end
)

// cassetteStream is the line scan of Split. What it does not hand on as items (rest) is decoded by the
// YAML decoder at the end: the lines before the items, a one-line placeholder for the items it handed
// on (so that what follows them parses in the same context), and the lines after them; or, from an
// item it cannot cut, the rest of the file as it is.
type cassetteStream struct {
	br         *bufio.Reader
	fn         func(Item) error
	raw        []byte // the current line as read, line break included
	line       []byte // without its line break
	lineNo     int
	phase      int
	cutOK      bool // the preamble leaves the items cuttable
	docStarted bool // the preamble has begun the first document (content or `---`)
	docEnded   bool // the trailer has ended the first document (`...` or another `---`)
	trailerCut bool // the cutter follows the trailer: a line it calls structure is one
	itemIndent int  // indentation of the items' `-`, once known
	item       []byte
	itemLine   int
	n          int // items handed on
	streamed   int // of which cut by the scan
	cut        cutter
	rest       bytes.Buffer
	restLines  int
	spans      []span // rest's lines to the file's
	buf        bytes.Buffer
}

// A span maps the lines of rest from restLine on to the file's from fileLine on.
type span struct{ restLine, fileLine int }

// readLine reads one line, however long (but past limit bytes, when limit > 0: ErrTooLarge); io.EOF
// only when nothing is left. A line ends at \n; one \r before it is part of the line break (any other \r
// is a line break YAML sees and the scan does not, which the cutter refuses).
func (s *cassetteStream) readLine(limit int) error {
	s.buf.Reset()
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.buf.Write(chunk)
		if err == bufio.ErrBufferFull {
			if limit > 0 && s.buf.Len() > limit {
				return fmt.Errorf("line %d: %w", s.lineNo+1, ErrTooLarge)
			}
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
	s.raw = s.buf.Bytes()
	line, _ := bytes.CutSuffix(s.raw, []byte("\n"))
	line, _ = bytes.CutSuffix(line, []byte("\r"))
	s.line = line
	return nil
}

func (s *cassetteStream) run() error {
	s.cutOK = true
	for {
		// A line outside the items is kept (rest): it is held to what rest may still take, so that one
		// long line (JSON on one line) is not read whole before it is refused.
		limit := 0
		if s.phase != inItems {
			limit = max(1, MaxWholeBytes-s.rest.Len())
		}
		err := s.readLine(limit)
		if err == io.EOF {
			break
		}
		if errors.Is(err, ErrTooLarge) {
			return fmt.Errorf("cassette: %w", err)
		}
		if err != nil {
			return fmt.Errorf("cassette: line %d: %v", s.lineNo+1, err)
		}
		if err := s.handle(); err != nil {
			return err
		}
	}
	if s.phase == inItems {
		if err := s.endItems(); err != nil {
			return err
		}
	}
	return s.finish()
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

// keep adds the current line, as read, to rest.
func (s *cassetteStream) keep() error {
	return s.keepBytes(s.raw, s.lineNo)
}

// keepBytes adds text, whose first line is the file's line fileLine, to rest.
func (s *cassetteStream) keepBytes(text []byte, fileLine int) error {
	if s.rest.Len()+len(text) > MaxWholeBytes {
		return fmt.Errorf("cassette: line %d: %w", fileLine, ErrTooLarge)
	}
	if n := len(s.spans); n == 0 || s.spans[n-1].fileLine-s.spans[n-1].restLine != fileLine-(s.restLines+1) {
		s.spans = append(s.spans, span{s.restLines + 1, fileLine})
	}
	s.rest.Write(text)
	s.restLines += bytes.Count(text, []byte("\n"))
	return nil
}

// fileLine is the line of the file that rest's line n is.
func (s *cassetteStream) fileLine(n int) int {
	for i := len(s.spans) - 1; i >= 0; i-- {
		if s.spans[i].restLine <= n {
			return s.spans[i].fileLine + n - s.spans[i].restLine
		}
	}
	return n
}

// lineRE finds the line numbers the YAML decoder's messages give, which are rest's.
var lineRE = regexp.MustCompile(`\blines? ([0-9]+)`)

// fileLines rewrites the line numbers of a YAML decoder's message about rest into the file's.
func (s *cassetteStream) fileLines(msg string) string {
	return lineRE.ReplaceAllStringFunc(msg, func(m string) string {
		i := strings.LastIndexByte(m, ' ')
		n, err := strconv.Atoi(m[i+1:])
		if err != nil {
			return m
		}
		return m[:i+1] + strconv.Itoa(s.fileLine(n))
	})
}

// interactionsKey reports whether line is the plain key `interactions:` at column 0 with nothing after
// it but a comment: the opening of a block sequence the scan can cut.
func interactionsKey(line []byte) (key, bare bool) {
	rest, ok := bytes.CutPrefix(line, []byte("interactions:"))
	if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t') {
		return false, false
	}
	t := bytes.TrimLeft(rest, " \t")
	return true, len(t) == 0 || t[0] == '#'
}

// docMarker reports whether line is a document marker (`---` or `...`) at column 0, alone or with a
// comment, and whether it has content after it (`--- {`).
func docMarker(line []byte) (marker, content bool) {
	if !bytes.HasPrefix(line, []byte("---")) && !bytes.HasPrefix(line, []byte("...")) {
		return false, false
	}
	if len(line) > 3 && line[3] != ' ' && line[3] != '\t' {
		return false, false
	}
	t := bytes.TrimLeft(line[3:], " \t")
	return true, len(t) > 0 && t[0] != '#'
}

func (s *cassetteStream) handle() error {
	line := s.line
	switch s.phase {
	case inPreamble:
		if key, bare := interactionsKey(line); key {
			if err := s.keep(); err != nil {
				return err
			}
			// The key opens a sequence the scan can cut only if nothing before it is left open (then
			// the line is not the key at all, but inside a quoted scalar or a flow collection).
			if bare && s.cutOK && !s.cut.open() && s.cut.line(line) {
				s.phase = inItems
			} else {
				s.phase = inWhole
			}
			return nil
		}
		s.preamble(line)
		return s.keep()
	case inItems:
		if blankOrComment(line) {
			if s.item != nil {
				s.item = append(s.item, s.raw...)
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
			if s.phase == inWhole { // the item before could not be cut: neither can this one
				return s.keep()
			}
			s.item = append(s.item[:0], s.raw...)
			s.itemLine = s.lineNo
			return nil
		case s.item != nil && ind > s.itemIndent:
			s.item = append(s.item, s.raw...)
			return nil
		}
		// Anything else ends the sequence.
		if err := s.endItems(); err != nil {
			return err
		}
		if s.phase == inWhole {
			return s.keep()
		}
		return s.trailer(line)
	case inTrailer:
		return s.trailer(line)
	}
	return s.keep()
}

// preamble checks a line before the interactions key: the items can be cut only if nothing before them
// can reach into them (an anchor, an open flow collection or quoted scalar) and the key opens the first
// document's top-level block mapping.
func (s *cassetteStream) preamble(line []byte) {
	if !s.cutOK {
		return
	}
	if marker, content := docMarker(line); marker {
		// One `---` may open the document; `...` or a second `---` ends it before any interactions.
		s.cutOK = !content && line[0] == '-' && !s.docStarted
		s.docStarted = true
		return
	}
	if len(line) > 0 && line[0] != ' ' && line[0] != '#' {
		s.docStarted = true
		c := line[0]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			s.cutOK = false // a top-level value that is not a block mapping of plain keys
			return
		}
	}
	s.cutOK = s.cut.line(line)
}

// trailer keeps a line after the items. A second interactions key in the first document is refused at
// once (the YAML decoder would refuse it at the end, after holding all its items), when the cutter,
// following the trailer, says the line is structure (not inside a quoted scalar or a flow collection).
func (s *cassetteStream) trailer(line []byte) error {
	if marker, _ := docMarker(line); marker {
		s.docEnded = true
	}
	if key, _ := interactionsKey(line); key && !s.docEnded && s.trailerCut && !s.cut.open() {
		return fmt.Errorf("not a go-vcr v4 cassette: line %d: interactions given twice", s.lineNo)
	}
	s.trailerCut = s.trailerCut && s.cut.line(line)
	return s.keep()
}

// endItems ends the block sequence: the last item is handed on (or, if it cannot be cut, kept), and
// the items handed on are replaced in rest by a placeholder item at their indentation, so that what
// follows parses in the same context.
func (s *cassetteStream) endItems() error {
	if err := s.flush(); err != nil {
		return err
	}
	if s.phase == inItems {
		s.phase, s.trailerCut = inTrailer, true
		s.cut.reset()
		return s.placeholder()
	}
	return nil
}

func (s *cassetteStream) placeholder() error {
	if s.streamed == 0 {
		return nil
	}
	ph := append(bytes.Repeat([]byte(" "), s.itemIndent), "- ~\n"...)
	return s.keepBytes(ph, s.itemLine)
}

// flush hands on the item collected so far, as a mapping (its dash becomes a space), if the cutter
// says it can be decoded alone; otherwise the scan decodes it and the rest of the file whole.
func (s *cassetteStream) flush() error {
	if s.item == nil {
		return nil
	}
	raw := s.item
	s.item = nil
	doc, ok := cuttable(&s.cut, raw)
	if !ok {
		if err := s.placeholder(); err != nil {
			return err
		}
		s.phase = inWhole
		return s.keepBytes(raw, s.itemLine)
	}
	doc[s.itemIndent] = ' '
	s.streamed++
	return s.deliver(Item{Line: s.itemLine, doc: doc})
}

// cuttable returns an item's text as its own YAML document (line breaks as \n), and whether it can be
// decoded alone: see cutter. It cannot if it ends inside a quoted scalar or a flow collection: the line
// that ended it (less indented, or the next item's dash) is their continuation, not the next item.
func cuttable(c *cutter, raw []byte) ([]byte, bool) {
	doc := raw // the scan's item buffer, which it lets go of
	if bytes.IndexByte(raw, '\r') >= 0 {
		doc = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	}
	if hasHiddenBreak(doc) {
		return nil, false
	}
	c.reset()
	for rest := doc; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if !c.lex(line) {
			return nil, false
		}
	}
	return doc, !c.open()
}

func (s *cassetteStream) deliver(item Item) error {
	item.Index = s.n
	s.n++
	return s.fn(item)
}

// finish decodes rest with the YAML decoder, as go-vcr's loader decodes a cassette (yaml.Unmarshal:
// the first document only), checks the version and hands on the items decoded there.
func (s *cassetteStream) finish() error {
	// go-vcr's own type, so that the decoder's errors read as go-vcr's; the version is preset to a value
	// no document holds, to tell a missing one.
	doc := vcr.Cassette{Version: math.MinInt}
	if err := yaml.Unmarshal(s.rest.Bytes(), &doc); err != nil {
		return fmt.Errorf("not a go-vcr v4 cassette: %s", s.fileLines(wire.OneLine(wire.ShapeQuoted(err.Error()))))
	}
	switch {
	case doc.Version == math.MinInt:
		return errors.New("not a go-vcr v4 cassette: no version")
	case doc.Version != vcr.CassetteFormatVersion:
		return fmt.Errorf("not a go-vcr v4 cassette: version %s, want %d", shownVersion(doc.Version), vcr.CassetteFormatVersion)
	}
	items := doc.Interactions
	if s.streamed > 0 {
		if len(items) == 0 || items[0] != nil {
			return fmt.Errorf("cassette: unreadable (internal error: the placeholder of %d streamed items is missing)", s.streamed)
		}
		items = items[1:]
	}
	var lines []int
	for n, it := range items {
		line := 0
		if it == nil { // the error names its line: only then is it worth finding
			if lines == nil {
				lines = s.itemLines()
			}
			if k := n + len(doc.Interactions) - len(items); k < len(lines) {
				line = lines[k]
			}
		}
		if err := s.deliver(Item{Line: line, Whole: true, it: it}); err != nil {
			return err
		}
	}
	return nil
}

// itemLines lists the file lines of the items of rest's interactions sequence, by a second parse of
// rest into a node tree (only for an error's sake).
func (s *cassetteStream) itemLines() []int {
	var root yaml.Node
	if yaml.Unmarshal(s.rest.Bytes(), &root) != nil || len(root.Content) == 0 {
		return nil
	}
	m := deref(root.Content[0])
	if m.Kind != yaml.MappingNode {
		return nil
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k.Kind == yaml.ScalarNode && k.Value == "interactions" {
			seq = deref(m.Content[i+1])
		}
	}
	if seq == nil {
		return nil
	}
	lines := make([]int, len(seq.Content))
	for i, n := range seq.Content {
		lines[i] = s.fileLine(n.Line)
	}
	return lines
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// MaxID bounds the interaction ids kontrak prints as they are: go-vcr numbers a cassette's interactions
// from 0, so a larger id, or a negative one, is no layout number (a NIK or a phone put there would be
// printed in every listing and report), and the interaction is named by its index in the file instead.
const MaxID = 9_999_999

// IDOf is the id an interaction is named by: its own, or its index in the file when that is no layout
// number.
func IDOf(i *vcr.Interaction, index int) int {
	if i.ID >= 0 && i.ID <= MaxID {
		return i.ID
	}
	return index
}

// ExchangeOf reads one go-vcr interaction as the contract reads it: header names in their canonical
// form (CanonicalHeader), so that http.Header.Get finds a header whatever its recorded spelling. The error
// (a URL that does not parse) names nothing: the caller knows the file and the index.
func ExchangeOf(i *vcr.Interaction, index int) (contract.Exchange, error) {
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return contract.Exchange{}, fmt.Errorf("bad URL: %s", wire.ShapeQuoted(wire.URLFault(err)))
	}
	return contract.Exchange{
		ID: IDOf(i, index), Method: i.Request.Method, URL: i.Request.URL, Path: u.Path,
		RequestHeader: CanonicalHeader(i.Request.Headers), RequestBody: []byte(i.Request.Body),
		Status: i.Response.Code, Header: CanonicalHeader(i.Response.Headers), Body: []byte(i.Response.Body),
	}, nil
}
