package sandbox_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kontrak/kontrak/run"
	"github.com/kontrak/kontrak/sandbox"
)

// TestLiveSuitesPassAgainstServe runs every scenario a live run sends (all but the replay-only ones) in
// live mode against the sandbox, through the real client, over loopback HTTP: the sandbox is what it is
// for when the whole live suite of every vendor passes against it.
func TestLiveSuitesPassAgainstServe(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Config{})
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
}
