package sandbox

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/scenario"
)

// TestServeHTTPRecovers: a panic while answering (here: a server whose operation data was never loaded)
// is the sandbox's 500 fixture error naming the request, not a dropped connection.
func TestServeHTTPRecovers(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{c: c, cfg: Config{Logf: func(string, ...any) {}}} // no ops: d is nil for a routed request
	op := c.Vendors()[0].Operations[0]
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(op.Method, op.Path, strings.NewReader("{}")))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "internal error answering "+op.Method+" "+op.Path) {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
	}
}

// TestNewRefusesEmptyInteraction: a cassette of `interactions: [~]` stops the sandbox at start with one
// line naming the file (it used to panic).
func TestNewRefusesEmptyInteraction(t *testing.T) {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		t.Fatal(err)
	}
	root, err := scenario.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	v := c.Vendors()[0].ID
	os.Mkdir(filepath.Join(dir, v), 0o755)
	file := filepath.Join(dir, v, "broken.yaml")
	os.WriteFile(file, []byte("version: 2\ninteractions: [~]\n"), 0o644)
	_, err = New(c, Config{Cassettes: dir, Root: root})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), file+": interaction 0") {
		t.Fatalf("err %v, want one line naming %s", err, file)
	}
}
