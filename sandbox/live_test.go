package sandbox_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
)

// TestLiveSuitesPassAgainstServe runs every scenario a live run sends (all but the replay-only ones) in
// live mode against the sandbox, through the real client, over loopback HTTP: the sandbox is what it is
// for when the whole live suite of every vendor passes against it. Every answer serve gave them is then
// judged by an independent validator of the specs (libopenapi-validator): serve and the specs cannot part.
func TestLiveSuitesPassAgainstServe(t *testing.T) {
	t.Parallel()
	cap := &capturing{}
	f := startWrapped(t, sandbox.Config{}, func(h http.Handler) http.Handler { cap.next = h; return cap })
	t.Run("scenarios", func(t *testing.T) {
		for _, v := range f.c.Vendors() {
			env := &run.Engine{
				Contract: f.c, Cassettes: filepath.Join(f.root, "cassettes"), Mode: run.Live,
				BaseURL: f.baseURL(v), Credentials: f.creds,
			}
			for _, s := range scenarios(t, v.ID) {
				if s.Live.ReplayOnly {
					continue
				}
				t.Run(v.ID+"/"+s.Name, func(t *testing.T) {
					t.Parallel()
					res := env.Run(context.Background(), s)
					if res.Failed() {
						t.Error(res.Message())
					}
				})
			}
		}
	})
	xs := cap.exchanges()
	n := validateAnswers(t, f.c, f.root, xs)
	if n == 0 || n < len(xs) {
		t.Errorf("libopenapi-validator judged %d of the %d answers serve gave the live suites", n, len(xs))
	}
	t.Logf("libopenapi-validator judged the %d answers serve gave the live suites", n)
}
