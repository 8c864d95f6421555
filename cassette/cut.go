package cassette

import "bytes"

// The cutter decides where Split's line scan may cut a cassette: whether the text of one item of the
// `interactions` sequence (or the lines before the sequence) can be decoded apart from the rest of the
// document and read exactly as go-vcr's loader reads it in place. YAML has three ways to reach across a
// cut: an anchor (a later item, or the trailer, may alias it), a flow collection or quoted scalar still
// open where the item ends (the next line continues it, whatever its indentation), and a line break the
// line scan does not see (a lone CR, NEL, LS, PS). The cutter refuses all three, and the odd shapes near
// the decoder's limits (deep nesting, block scalars with an indentation indicator, explicit keys); what it
// refuses is decoded whole (Split). It errs on the side of refusal: a false refusal costs memory
// (MaxWholeBytes), a false acceptance would read a cassette otherwise than go-vcr.
//
// One difference from go-vcr is known, in the safe direction: the YAML decoder's guard against alias
// bombs (more than 100 aliases, and over 99% of the nodes it decodes reached through them) counts the
// nodes of the text it decodes, and the items streamed before the first anchor are not in that text. Such
// a document may be refused here that go-vcr reads; no cassette a tool writes comes near it.
//
// Why our own code: go.yaml.in/yaml/v4 has no event or token API over a reader, only whole documents,
// so the only reader that streams is a line scan (BenchmarkTraffic/read/cassette: a 93 MB cassette in
// 9 MB of heap, where go-vcr's loader needs 2.5 GB). The cutter lexes YAML's indicators only: it never
// decodes a value (the YAML decoder or the fast reader does), and FuzzReadCassette holds what it lets
// through to go-vcr's reading of the same bytes.

// Limits past which the cutter refuses: far below the YAML decoder's depth limit (10000), so that an
// item decoded alone (two levels shallower than in place) is never refused or accepted for its depth
// otherwise than in place.
const (
	cutMaxIndent  = 1000
	cutMaxEntries = 50 // block collection entries opened on one line (`- - - x`, `a: b: …`)
	cutMaxFlow    = 50 // flow nesting
)

type cutter struct {
	// blockParent is the column a block scalar's content must be indented past, -1 outside one;
	// blockContent the content's indentation, once its first line shows it (-1 before).
	blockParent, blockContent int
	quote                     byte // the quote of a quoted scalar open at the end of the last line
	flow                      int  // flow collections open at the end of the last line
	node                      bool // in a flow collection, at the start of a node
}

func (c *cutter) reset() { *c = cutter{blockParent: -1, blockContent: -1} }

// open reports whether the text read so far ends inside a quoted scalar or a flow collection: the
// text cannot be cut there.
func (c *cutter) open() bool { return c.quote != 0 || c.flow > 0 }

// line reads the next line (without its line break); false when the text cannot be cut.
func (c *cutter) line(l []byte) bool {
	return !hasHiddenBreak(l) && c.lex(l)
}

// lex is line for a line already known to hold no hidden line break.
func (c *cutter) lex(l []byte) bool {
	ind := indentOf(l)
	if c.quote != 0 { // the quoted scalar goes on: to its closing quote, then what follows it
		j := quoteEnd(l, 0, c.quote)
		if j < 0 {
			return true
		}
		c.quote = 0
		if c.flow == 0 {
			return c.structure(l, j, ind, true)
		}
		c.node = false
		return c.inFlow(l, j, ind)
	}
	if c.flow > 0 {
		return c.inFlow(l, 0, ind)
	}
	if c.blockParent >= 0 {
		if ind == len(l) {
			return true // an empty line of the block scalar
		}
		if c.blockContent < 0 && ind > c.blockParent {
			c.blockContent = ind
		}
		if c.blockContent >= 0 && ind >= c.blockContent {
			return true // content
		}
		c.blockParent, c.blockContent = -1, -1
	}
	return c.structure(l, ind, ind, false)
}

// inFlow goes on with a flow collection from l[j], then with what follows it on the line.
func (c *cutter) inFlow(l []byte, j, ind int) bool {
	k, ok := c.flowScan(l, j)
	if !ok {
		return false
	}
	if c.open() {
		return true
	}
	return c.structure(l, k, ind, true)
}

// hasHiddenBreak reports a character YAML takes for a line break that is not \n: CR, NEL, LS, PS.
func hasHiddenBreak(l []byte) bool {
	if bytes.IndexByte(l, '\r') >= 0 {
		return true
	}
	for rest := l; ; {
		k := bytes.IndexByte(rest, 0xC2)
		if k < 0 {
			break
		}
		if k+1 < len(rest) && rest[k+1] == 0x85 {
			return true
		}
		rest = rest[k+1:]
	}
	for rest := l; ; {
		k := bytes.IndexByte(rest, 0xE2)
		if k < 0 {
			return false
		}
		if k+2 < len(rest) && rest[k+1] == 0x80 && (rest[k+2] == 0xA8 || rest[k+2] == 0xA9) {
			return true
		}
		rest = rest[k+1:]
	}
}

func blankAt(l []byte, i int) bool { return i >= len(l) || l[i] == ' ' || l[i] == '\t' }

func skipBlanks(l []byte, i int) int {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return i
}

// structure lexes a line (from l[i]) outside a block scalar, node by node: sequence entries, keys and
// their values, properties, quoted scalars and flow collections (which may run over lines), a block
// scalar header (whose content the following lines are), plain scalars and comments. after is true
// when l[i] follows a node (a quoted scalar or flow collection closed on this line).
func (c *cutter) structure(l []byte, i, ind int, after bool) bool {
	if !after {
		if ind > cutMaxIndent {
			return false
		}
		if ind < len(l) && l[ind] == '\t' && skipBlanks(l, ind) < len(l) {
			return false // a tab where indentation ends: the decoder's business, not the scan's
		}
	}
	parent := ind // the column of the innermost block collection entry begun on this line
	entries := 0
	for {
		start := i
		if !after {
			i = skipBlanks(l, i)
			if i >= len(l) || l[i] == '#' {
				return true
			}
			start = i
			switch ch := l[i]; ch {
			case '-', '?', ':':
				if !blankAt(l, i+1) {
					break // a plain scalar that starts with it
				}
				if ch != '-' {
					return false // an explicit key or value
				}
				if entries++; entries > cutMaxEntries {
					return false
				}
				parent = i
				i++
				continue
			case '&', '%', '@', '`':
				return false // an anchor; a directive or a reserved indicator
			case '!':
				i = skipToken(l, i)
				continue // a tag: the node follows
			case '|', '>':
				return c.blockHeader(l, i+1, parent)
			case '*':
				i = skipToken(l, i)
			case '"', '\'':
				if i = quoteEnd(l, i+1, ch); i < 0 {
					c.quote = ch // it goes on below
					return true
				}
			case '[', '{':
				var ok bool
				if i, ok = c.flowScan(l, i); !ok {
					return false
				}
				if c.open() {
					return true
				}
			}
			if i == start { // a plain scalar: up to a value indicator or a comment
				for i++; i < len(l); i++ {
					if l[i] == ':' && blankAt(l, i+1) {
						break
					}
					if l[i] == '#' && (l[i-1] == ' ' || l[i-1] == '\t') {
						return true
					}
				}
			}
		}
		after = false
		i = skipBlanks(l, i)
		if i >= len(l) || l[i] == '#' {
			return true
		}
		if l[i] != ':' || !blankAt(l, i+1) {
			return true // text after a node: the decoder refuses it, in place as alone
		}
		// What came before was a key: a mapping entry begins at its column.
		if entries++; entries > cutMaxEntries {
			return false
		}
		parent = start
		i++
	}
}

// skipToken skips an alias or a tag: up to a blank.
func skipToken(l []byte, i int) int {
	for i < len(l) && l[i] != ' ' && l[i] != '\t' {
		i++
	}
	return i
}

// blockHeader reads a block scalar's header (after | or >): a chomping indicator, nothing else but a
// comment. An indentation indicator is refused: the content's indentation would not be its first line's.
func (c *cutter) blockHeader(l []byte, i, parent int) bool {
	if i < len(l) && (l[i] == '+' || l[i] == '-') {
		i++
	}
	if !blankAt(l, i) {
		return false
	}
	if j := skipBlanks(l, i); j < len(l) && l[j] != '#' {
		return false
	}
	c.blockParent, c.blockContent = parent, -1
	return true
}

// quoteEnd returns the index after the closing quote q of a quoted scalar whose text goes on at l[j],
// or -1 when it does not close on the line. In double quotes, a quote after an odd run of backslashes is
// escaped (and a backslash at the end of the line escapes the line break: the scalar goes on).
func quoteEnd(l []byte, j int, q byte) int {
	for j < len(l) {
		k := bytes.IndexByte(l[j:], q)
		if k < 0 {
			return -1
		}
		j += k
		switch {
		case q == '"':
			n := 0
			for b := j - 1; b >= 0 && l[b] == '\\'; b-- {
				n++
			}
			if n%2 == 0 {
				return j + 1
			}
			j++
		case j+1 < len(l) && l[j+1] == '\'':
			j += 2 // '' is a quote
		default:
			return j + 1
		}
	}
	return -1
}

func flowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// flowScan lexes flow content from l[j] (an opening bracket, or where the last line left a collection
// open): it returns the index after the outermost collection closes, or len(l) with the collection
// (or a quoted scalar in it) still open at the end of the line. ok is false for an anchor, a block
// scalar or reserved indicator in it, or nesting past cutMaxFlow.
func (c *cutter) flowScan(l []byte, j int) (_ int, ok bool) {
	for j < len(l) {
		switch ch := l[j]; {
		case ch == ' ' || ch == '\t':
			j++
		case ch == '#' && (j == 0 || l[j-1] == ' ' || l[j-1] == '\t'):
			return len(l), true // a comment: the collection goes on below
		case ch == '[' || ch == '{':
			if c.flow++; c.flow > cutMaxFlow {
				return 0, false
			}
			c.node = true
			j++
		case ch == ']' || ch == '}':
			j++
			c.node = false
			if c.flow--; c.flow <= 0 {
				c.flow = 0
				return j, true
			}
		case ch == ',' || ch == ':':
			c.node = true
			j++
		case c.node && ch == '&':
			return 0, false
		case c.node && ch == '?' && blankAt(l, j+1):
			j++
		case c.node && (ch == '"' || ch == '\''):
			if j = quoteEnd(l, j+1, ch); j < 0 {
				c.quote = ch
				return len(l), true
			}
			c.node = false
		case c.node && (ch == '!' || ch == '*'):
			for j < len(l) && l[j] != ' ' && l[j] != '\t' && !flowIndicator(l[j]) {
				j++
			}
			c.node = ch == '!'
		case c.node && (ch == '|' || ch == '>' || ch == '%' || ch == '@' || ch == '`'):
			return 0, false
		default: // a plain scalar: up to a flow indicator, a value indicator or a comment
			c.node = false
			for j < len(l) && !flowIndicator(l[j]) {
				if l[j] == ':' && (blankAt(l, j+1) || flowIndicator(l[j+1])) {
					break
				}
				if l[j] == '#' && (l[j-1] == ' ' || l[j-1] == '\t') {
					break
				}
				j++
			}
		}
	}
	return len(l), true
}
