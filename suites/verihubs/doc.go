// Package verihubs is the conformance suite of verihubs's KTP OCR: a Ginkgo suite whose specs are generated, before
// RunSpecs, from scenarios.yaml beside this file. The same specs replay cassettes/verihubs/ (the default) and run
// live (KONTRAK_MODE=live). See package scenario for the format and the run.
package verihubs
