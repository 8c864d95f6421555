package cassette

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
	"go.yaml.in/yaml/v4"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Writing a cassette: go-vcr's YAML, as its Save writes it, under the provenance comment block. Redaction
// rewrites cassettes through these, one interaction at a time, so that what it writes is what go-vcr reads.

// Header opens a cassette as Marshal writes it, up to its first interaction.
const Header = "---\nversion: 2\ninteractions:\n"

// MarshalItem writes one interaction as Marshal writes it inside a cassette: the item of a
// cassette of that one interaction, as the emitter indents it there.
func MarshalItem(i *vcr.Interaction) ([]byte, error) {
	if b, ok := fastMarshalItem(i); ok {
		return b, nil
	}
	return yamlMarshalItem(i)
}

// yamlMarshalItem is MarshalItem by the YAML encoder itself.
func yamlMarshalItem(i *vcr.Interaction) ([]byte, error) {
	doc, err := yaml.Marshal(&vcr.Cassette{Version: vcr.CassetteFormatVersion, Interactions: []*vcr.Interaction{i}})
	if err != nil {
		return nil, err
	}
	item, ok := bytes.CutPrefix(doc, []byte(Header[len("---\n"):]))
	if !ok {
		return nil, fmt.Errorf("interaction %d: marshalled in a shape kontrak does not know", i.ID)
	}
	return item, nil
}

// ReadCommentBlock reads the run of comment lines that opens a cassette (CommentBlock of the stream).
func ReadCommentBlock(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		c, err := br.Peek(1)
		if err == io.EOF || (err == nil && c[0] != '#') {
			return head, nil
		}
		if err != nil {
			return nil, err
		}
		line, err := br.ReadBytes('\n')
		head = append(head, line...)
		if err == io.EOF {
			return append(head, '\n'), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// AddNote adds to a provenance block the notes it does not hold yet, on its note line.
func AddNote(head []byte, notes []string) []byte {
	p := ParseProvenance(head)
	add := p.Note
	for _, n := range notes {
		if !strings.Contains(add, n) {
			if add != "" {
				add += "; "
			}
			add += n
		}
	}
	if add == p.Note {
		return head
	}
	var b bytes.Buffer
	for _, line := range strings.SplitAfter(string(head), "\n") {
		if !strings.HasPrefix(line, provenancePrefix+"note=") {
			b.WriteString(line)
		}
	}
	fmt.Fprintf(&b, "%snote=%s\n", provenancePrefix, wire.OneLine(add))
	return b.Bytes()
}

// Marshal renders a cassette as go-vcr's Save does.
func Marshal(c *vcr.Cassette) ([]byte, error) {
	data, err := yaml.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append([]byte("---\n"), data...), nil
}

// CommentBlock is the run of comment lines that opens a cassette file: its provenance.
func CommentBlock(data []byte) []byte {
	n := 0
	for n < len(data) && data[n] == '#' {
		end := bytes.IndexByte(data[n:], '\n')
		if end < 0 {
			return append(append([]byte(nil), data...), '\n')
		}
		n += end + 1
	}
	return data[:n]
}
