// Package suites is the conformance suite of every vendor's KTP OCR: one Ginkgo test binary whose specs are
// generated, before RunSpecs, from suites/<vendor>/scenarios.yaml (package suite). The same specs replay
// cassettes/ (the default) and run live (KONTRAK_MODE=live); --label-filter=vendor:<id> selects one vendor
// (make conformance VENDOR=<id>). See package scenario for the format and package run for the engine.
package suites
