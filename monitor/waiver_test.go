package monitor

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/kontrak/kontrak/contract"
)

// A waiver accepts exactly its finding: the answer is still judged, counted and logged (naming the
// waiver), but it no longer counts as drift; without the waiver the same answer drifts.
func TestTransportWaivers(t *testing.T) {
	c := load(t)
	const path = "/v1/id_ocr/general"
	body := []byte(`{"status": "QUOTA_EXCEEDED", "message": "no quota"}`) // a code outside ekycpro's table
	srv := server(t, map[string]answer{path: {200, "application/json", body}})
	ws, err := contract.ParseWaivers("waivers.yaml", []byte("waivers:\n  - vendor: ekycpro\n    operation: idOcrGeneral\n"+
		"    finding: error-code-undocumented\n    pointer: /status\n    reason: ekycpro added a quota code\n    ticket: SUP-9\n    expires: 2999-12-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reason  string
		waivers *contract.Waivers
		drifted int64
	}{
		{"without the waiver the new code is drift", nil, 1},
		{"the waiver accepts it: judged, not drift", ws, 0},
	} {
		var log bytes.Buffer
		var events []Event
		tr := NewTransport(nil, c, WithWaivers(tc.waivers), WithLogger(slog.New(slog.NewTextHandler(&log, nil))),
			WithCallback(func(e Event) { events = append(events, e) }))
		resp, err := (&http.Client{Transport: tr}).Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader("image=x"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, body) {
			t.Fatalf("%s: the caller got other bytes", tc.reason)
		}
		st := tr.Stats()
		if len(st.Operations) != 1 || st.Operations[0].Judged != 1 || st.Operations[0].Drifted != tc.drifted {
			t.Errorf("%s: stats %+v, want 1 judged and %d drifted", tc.reason, st.Operations, tc.drifted)
		}
		if len(events) != 1 || len(events[0].Findings) != 1 || (events[0].Findings[0].Waived != nil) != (tc.waivers != nil) {
			t.Errorf("%s: events %+v", tc.reason, events)
		}
		if waived := strings.Contains(log.String(), "waived="); waived != (tc.waivers != nil) {
			t.Errorf("%s: the log names a waiver: %v\n%s", tc.reason, waived, log.String())
		}
	}
	if ps := ws.Problems(); len(ps) != 0 {
		t.Errorf("the waiver matched, yet Problems() = %v", ps)
	}
}
