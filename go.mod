module github.com/kontrak/kontrak

go 1.26.0

require (
	github.com/evanphx/json-patch/v5 v5.9.11
	github.com/google/go-cmp v0.7.0
	github.com/onsi/ginkgo/v2 v2.34.0
	github.com/onsi/gomega v1.44.0
	// Pinned: v0.40.1 is the newest libopenapi that builds here. Later versions need
	// github.com/pb33f/go-yaml, which the module proxy of our build machines refuses.
	github.com/pb33f/libopenapi v0.40.1
	github.com/xeipuuv/gojsonpointer v0.0.0-20180127040702-4e3ac2762d5f
	github.com/xeipuuv/gojsonschema v1.2.0
	// Pinned: the yaml/v4 that libopenapi v0.40.1 and go-vcr v4 are built against; our spec
	// extensions are decoded into its Nodes.
	go.yaml.in/yaml/v4 v4.0.0-rc.6
	// Pinned below latest: v0.43.0 needs no newer x/text, x/net or x/sys than the rest of the build.
	// specimen/ renders synthetic KTP images with its fonts and BMP encoder.
	golang.org/x/image v0.43.0
	gopkg.in/dnaeon/go-vcr.v4 v4.0.7
)

require (
	github.com/Masterminds/semver/v3 v3.4.0 // indirect
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/bmatcuk/doublestar/v4 v4.8.0 // indirect
	github.com/buger/jsonparser v1.1.2 // indirect
	github.com/fatih/color v1.18.0 // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/go-task/slim-sprig/v3 v3.0.0 // indirect
	github.com/google/pprof v0.0.0-20260402051712-545e8a4df936 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/mattn/go-runewidth v0.0.16 // indirect
	github.com/mattn/go-shellwords v1.0.12 // indirect
	github.com/pb33f/jsonpath v0.8.3 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.1 // indirect
	github.com/rhysd/actionlint v1.7.7 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	github.com/xeipuuv/gojsonreference v0.0.0-20180127040603-bd5ef7bd5415 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/mod v0.36.0 // indirect
	golang.org/x/net v0.56.0 // indirect
	golang.org/x/sync v0.23.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
	golang.org/x/text v0.38.0 // indirect
	golang.org/x/tools v0.45.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

// actionlint checks .github/workflows in make lint. Pinned at v1.7.7: v1.7.10–v1.7.12 are built against
// go.yaml.in/yaml/v4 v4.0.0-rc.3 and do not compile with the rc.6 this module needs (ParserError changed);
// v1.7.7 uses gopkg.in/yaml.v3. Move up when the yaml/v4 pin moves and actionlint builds with it.
tool (
	github.com/onsi/ginkgo/v2/ginkgo
	github.com/rhysd/actionlint/cmd/actionlint
)
