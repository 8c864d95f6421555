// Package suite is the Ginkgo binding of kontrak's scenarios, and the only package outside tests that
// imports Ginkgo and Gomega (a test says so: cmd/kontrak and sandbox link neither).
//
// Specs declares, before RunSpecs, one container a vendor (label vendor:<id>) with one spec a scenario
// (labels kind:<kind>, replay-only) and the coverage specs (every code of every table and every sandbox
// value has a scenario). Each scenario's spec carries the code location of its scenario,
// suites/<vendor>/scenarios.yaml:LINE relative to the repository root, so that Ginkgo's output and reports
// point at the scenario rather than at this generator; the JUnit report (EnvJUnit) goes further and puts a
// failure "at" that line and names no absolute path.
//
// The environment is read here, once, through package run (KONTRAK_MODE, KONTRAK_CASSETTES, KONTRAK_STRICT
// and the live variables); each spec runs its scenario through the engine and attaches the run's Entry as
// a report entry for `kontrak report`. In live and record modes one AfterSuite finishes every vendor's run:
// it says how many scenarios the budget skipped and the budget that runs them all, promotes or discards
// the recording, and fails a run that proved nothing. A recording says, before it starts, which stale
// staging directories it removed and when it comes from a local or non-vendor host. A vendor without its
// credentials is skipped with one line naming the missing variables.
//
// The four vendors are one test binary, ./suites (linking is most of a suite's cost); --label-filter
// selects one.
package suite
