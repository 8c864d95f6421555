// Package scenario is the scenario file format: kontrak's scenarios — one documented behaviour each — as
// data. It reads files and answers questions about them; it runs nothing, imports neither Ginkgo nor
// Gomega, and reads no environment variable.
//
// A vendor's scenarios live in suites/<vendor>/scenarios.yaml. A scenario names the operation it calls, the
// request that provokes the behaviour (live and replayed alike: the same images, fields and credentials),
// the documented outcome it expects (HTTP status and code; the billing it expects comes from the code
// table, never restated), and how its cassette is made (a documented example, or derived from a table).
// Sandbox scenarios take their request value and their outcome from the spec's x-kontrak-sandbox table.
//
//   - Load and Parse read a file strictly (a misspelt key is an error) and check it against the contract:
//     known operation, kind, codes of the table, sandbox values of the spec, unique names. Every error is
//     one line naming the file and the scenario. Each Scenario knows its Line in the file, and Location
//     gives "suites/<vendor>/scenarios.yaml", LINE relative to the repository root.
//   - Coverage lists the codes and sandbox values that no scenario exercises.
//   - Answer is the cassette recipe: the answer a derived cassette holds, built from a documented example
//     or an inline body, the code table's row and the recipe's own values.
//
// Running a scenario is package run's job; turning scenarios into Ginkgo specs is package suite's.
package scenario
