package monitor_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	kontrak "github.com/kontrak/kontrak"
	"github.com/kontrak/kontrak/contract"
	"github.com/kontrak/kontrak/monitor"
)

// vendor is a stand-in for ekycpro that answers a code its table does not document.
func vendor() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status": "QUOTA_EXCEEDED", "message": "no quota left"}`))
	}))
}

// Wrap a client's transport: the caller gets the vendor's answer untouched, and each finding is logged
// (never a value of personal data) and counted.
func ExampleNewTransport() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := vendor()
	defer srv.Close()
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == "source" || a.Key == "want" {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	tr := monitor.NewTransport(http.DefaultTransport, c, monitor.WithLogger(logger))
	client := &http.Client{Transport: tr}

	resp, err := client.Post(srv.URL+"/v1/id_ocr/general", "application/x-www-form-urlencoded", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body) // judged as it is read: at its end
	resp.Body.Close()
	fmt.Printf("the caller got %d and %d bytes\n", resp.StatusCode, len(body))
	st := tr.Stats()
	fmt.Printf("%s %s: %d judged, %d drifted\n", st.Operations[0].Vendor, st.Operations[0].Operation, st.Operations[0].Judged, st.Operations[0].Drifted)
	// Output:
	// level=WARN msg="kontrak: vendor answer drifted from its contract" id=error-code-undocumented severity=breaking vendor=ekycpro operation=idOcrGeneral pointer=/status got="\"QUOTA_EXCEEDED\""
	// the caller got 200 and 56 bytes
	// ekycpro idOcrGeneral: 1 judged, 1 drifted
}

// Export the monitor's metrics through OpenTelemetry: give it the program's MeterProvider (here the SDK's
// with a ManualReader; in production, one with the Prometheus or OTLP exporter).
func ExampleWithMeterProvider() {
	c, err := contract.Load(kontrak.Files)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := vendor()
	defer srv.Close()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	client := &http.Client{Transport: monitor.NewTransport(nil, c, monitor.WithMeterProvider(mp))}

	resp, err := client.Post(srv.URL+"/v1/id_ocr/general", "application/x-www-form-urlencoded", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	var rm metricdata.ResourceMetrics
	reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == monitor.MetricFindings {
			for _, p := range sum.DataPoints {
				id, _ := p.Attributes.Value(monitor.AttrFinding)
				sev, _ := p.Attributes.Value(monitor.AttrSeverity)
				fmt.Println(m.Name, id.AsString(), sev.AsString(), p.Value)
			}
		}
	}
	// Output:
	// kontrak.monitor.findings error-code-undocumented breaking 1
}
