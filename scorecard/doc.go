// Package scorecard measures what each vendor reads right, how fast and at what cost, on cards of known
// truth (`kontrak scorecard`).
//
// # What is sent
//
// Samples are either kontrak's specimens or a team's golden set:
//
//   - Specimens (the default): identities SampleSeed(1)…SampleSeed(N) (Options.Samples, 8 by default),
//     each rendered in every variant of Options.Variants (clean, blur, dark, glare, grayscale by default;
//     no-card is refused: it shows nothing to read) as a marked JPEG (specimen.RenderMarked), 1024×640 by
//     default. A size outside the dimensions a vendor documents for its image is refused before anything is
//     sent. Their truth is specimen.Truth.
//   - A golden set (Options.Golden, --golden DIR): DIR/truth.yaml (TruthFile) and the images it names, read
//     from DIR and never copied anywhere (see Golden sets below).
//
// Each sample goes to every vendor configured for live mode (run.MissingEnv lists nothing; --vendors
// names some, and each must be), one operation whose spec maps a KTP (x-kontrak-canonical) at a time,
// sequentially. A vendor is reached exactly as a live run reaches it (run.Engine.ConfigureLive and
// LiveClient): its base URL and credential variables, KONTRAK_MAX_BILLABLE's budget asked before every
// call that may be billed, rate limits retried, the timeout. An operation that answers an asynchronous
// flow's result (x-kontrak-flow: Verihubs) is reached through its submit: the image is submitted, the id
// read at the flow's answer pointer, and the result asked with it, up to Options.Polls times
// Options.PollWait apart while it is no success and carries no documented code (a code is a final
// answer: a failed read).
//
// # Golden sets
//
// A truth file, version 1, lists each image (a file inside DIR: no "..", no absolute path), an optional
// variant label for the per-variant scores ([a-z0-9-], at most 32; "golden" by default), and what the
// card prints by canonical field name (contract.KTP's json names); only the fields given are scored:
//
//	version: 1
//	cards:
//	  - image: card-001.jpg
//	    variant: desk-lamp
//	    fields:
//	      nik: "0012345678901234"
//	      name: "BUDI CONTOH"
//	      birthDate: 1990-01-31   # yyyy-mm-dd, dd-mm-yyyy or yyyy/mm/dd
//
// ParseTruth reads it strictly (unknown keys and fields refused) and bounded (8 MB, 10,000 cards, an image
// 32 MB); its errors name the file, the card by index and the key, never a value nor an image's file name.
//
// # How an answer is scored
//
// An answer is read into the canonical record (contract.Canonical): a success of the mapping's statuses
// and code, each vendor's field at its pointer, dates read in their documented notation. An answer that is
// no success is a failed read: every field counts as read empty. For every field the truth holds and the
// operation maps (a field a vendor does not return is not scored against it), truth and reading are
// compared after Normalize — upper case, every character that is not a letter or a digit a space, runs of
// spaces one, trimmed (a value of punctuation alone, "-", is kept) — and dates as yyyy-mm-dd whatever the
// notation. Per field: Exact is the share of samples read exactly; CER, the character error rate, is the
// sum over samples of Levenshtein(truth, reading) over the sum of the truths' lengths (in runes, after
// Normalize). Per variant: the share of exact fields over every scored field of its samples. Shares keep
// four decimals.
//
// Beside the scores: Samples scored of Planned; Billed, the calls billed by the billing tables
// (Operation.Classify of every answer, a flow's submit and result both asked); Failed, the indexes of the
// failed reads, and FailedBilled, how many of them were billed (what a failed read cost); LatencyMs, the
// nearest-rank p50 and p95 of a sample's reading end to end (a flow's submit and result together).
// Latency is measured, so it is the one number a second run changes.
//
// # The budget
//
// Before anything is sent to a vendor, its Need is computed from the billing tables, as run.NeedOf bounds
// a live run: samples (identities × variants, or the golden set's cards) × the billable calls of one
// sample (each call of an operation that may be billed: a flow's submit, and its result Options.Polls
// times when the result may be billed). It is told to Options.Log (kontrak scorecard: standard error) with
// the budget the run will use: KONTRAK_MAX_BILLABLE when set; unset, exactly the need against a local host
// (contract.Vendor.HostKind: kontrak serve on loopback bills nothing real), and the live default against
// any other host, with the figure that would send every sample. VendorScore.Budget keeps both.
//
// # Fail closed, and say where
//
// A sample the budget refuses is not sent and not scored; one that gets no answer (a transport failure)
// is not scored; Cut says how many and why, and for the budget the KONTRAK_MAX_BILLABLE that would send
// them all. A run that scored no sample at all returns ErrNothingScored with each vendor's reason
// (kontrak scorecard exits 3). Every answer kontrak serve made from its OCR
// model carries sandbox.ReaderHeader: a vendor any of whose answers did is labelled SourceServe; any other
// is labelled with the kind of its base URL's host (contract.Vendor.HostKind: documented, local,
// undocumented, unstated) and the host. The card's Source says the same for the whole, and every format
// (text, json, markdown, svg: Report in the report registry) puts it first, so that scores measured
// against serve are never read as a vendor's.
//
// The output holds scores, counts, labels and sample indexes only: never a value of a truth or of an
// answer (a golden set's test plants values and finds none in any format).
package scorecard
