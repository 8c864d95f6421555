module github.com/kontrak/kontrak

// The go line is the first release that builds kontrak. It stays "1.26.0", not "1.26": dependencies
// (golang.org/x/sys v0.50.0, OpenTelemetry v1.47.0) declare go 1.26.0, and the go command refuses a main
// module whose go line is lower ("go: updates to go.mod needed"). CI takes the newest patch release all
// the same: the workflow reads the minor version (1.26) from this line and gives it to setup-go with
// check-latest (TestWorkflowRules holds that), so security fixes arrive without an edit here.
go 1.26.0

require (
	github.com/evanphx/json-patch/v5 v5.9.11
	// The one JSON lexer (internal/wire): the staging copy of Go's encoding/json/v2 and its jsontext
	// package. Moving to the standard library's encoding/json/v2 changes an import path.
	github.com/go-json-experiment/json v1.27.2
	github.com/google/go-cmp v0.7.0
	github.com/onsi/ginkgo/v2 v2.34.0
	github.com/onsi/gomega v1.44.0
	github.com/pb33f/go-yaml v0.1.1
	github.com/pb33f/libopenapi v0.42.5
	github.com/pb33f/libopenapi-validator v0.16.3
	github.com/xeipuuv/gojsonpointer v0.0.0-20180127040702-4e3ac2762d5f
	github.com/xeipuuv/gojsonreference v0.0.0-20180127040603-bd5ef7bd5415
	github.com/xeipuuv/gojsonschema v1.2.0
	go.yaml.in/yaml/v4 v4.0.0
	golang.org/x/image v0.48.0
	gopkg.in/dnaeon/go-vcr.v4 v4.0.8
)

// OpenTelemetry, for the monitor's metrics (monitor.WithMeterProvider). The monitor imports the API only
// (otel for the global provider, otel/metric); the SDK is imported by monitor's tests alone (the
// ManualReader that reads the instruments back), so a program that links the monitor links no SDK.
// v1.47.0: the release the monitor is built and tested against (API and SDK move together, one version).
require (
	go.opentelemetry.io/otel v1.47.0
	go.opentelemetry.io/otel/metric v1.47.0
	go.opentelemetry.io/otel/sdk/metric v1.47.0
)

// Bodies redaction must open rather than keep unread (redact/decode.go): br by andybalholm/brotli (the
// pure-Go port of Google's decoder that net/http's peers use), zstd by klauspost/compress/zstd (the
// maintained Go zstd); UTF-16 and Latin-1 charsets by golang.org/x/text (below). Versions: those the
// decoders were fuzzed against here (redact's fuzz targets).
require (
	github.com/andybalholm/brotli v1.3.0
	github.com/klauspost/compress v1.20.5
)

require (
	github.com/basgys/goxml2json v1.1.1-0.20231018121955-e66ee54ceaad // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/go-openapi/jsonpointer v1.0.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/pb33f/jsonschema/v6 v6.0.3 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel/log v1.47.0 // indirect
	go.opentelemetry.io/otel/sdk v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
)

require (
	github.com/Masterminds/semver/v3 v3.4.0 // indirect
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/bmatcuk/doublestar/v4 v4.10.0 // indirect
	github.com/buger/jsonparser v1.6.1 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-task/slim-sprig/v3 v3.0.0 // indirect
	github.com/google/pprof v0.0.0-20260402051712-545e8a4df936 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/mattn/go-runewidth v0.0.21 // indirect
	github.com/mattn/go-shellwords v1.0.12 // indirect
	github.com/pb33f/jsonpath v0.8.5 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.2 // indirect
	// Pinned below the newest (v1.7.12): v1.7.10 and later are built against yaml/v4 v4.0.0-rc.3,
	// whose API v4.0.0 (which libopenapi and go-vcr need) changed; v1.7.7 uses yaml.v3. A go tool (make lint).
	github.com/rhysd/actionlint v1.7.7 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0
	golang.org/x/tools v0.52.0 // indirect
	gopkg.in/yaml.v3 v3.0.1
)

tool (
	github.com/onsi/ginkgo/v2/ginkgo
	github.com/rhysd/actionlint/cmd/actionlint
)
