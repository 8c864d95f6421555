// Package sandbox is a local stand-in for the four vendors, built from the specs, the scenarios and the
// cassettes, for testing live mode without the network (`kontrak serve`). It is a test fixture: it accepts
// the credentials it is given and nothing else, and it answers only what the data document.
//
// One handler (New) serves every vendor on one port: their paths do not collide, and a request's operation
// is found by contract.Lookup from its method and path, so that a base URL may carry a prefix (Kredibel's
// $vision). Every answer is a vendor's answer as the data hold it — a cassette's interaction, status,
// headers (Retry-After included) and body, or a scenario's cassette recipe (scenario.Answer) where no
// cassette exists — never a body written in Go; the server knows no header, field, code or status by
// name. Only its own refusals are its own: a request no operation documents is answered 404 with
// {"message": "kontrak serve: no documented operation for METHOD PATH"}.
//
// A request is answered by the first of these rules that applies:
//
//  1. Operation. contract.Lookup by method and path; none: the 404 above. A body over MaxBody is refused
//     413, in the same one-line form.
//  2. Credentials. Every security scheme of the operation carries exactly the configured value
//     (Config.Credentials, by the scheme's x-kontrak-env variable): an apiKey header or query parameter as
//     it is, an http bearer scheme as "Bearer <value>". A scheme filled by a token operation
//     (x-kontrak-token-operation) carries a token this server issued and that has not expired. A refused
//     token is answered as the scenario with request.auth wrong-token of the operation (else as
//     x-kontrak-token.refused, derived); any other refusal as the operation's scenario of kind auth with
//     request.auth wrong-credentials (else from a code of class auth, derived). A variable without a value
//     accepts nothing.
//  3. Signed token operation (x-kontrak-signature). Checked in the order a server reads it: every required
//     field present and not empty, else the answer of the scenario that sends that field empty; the
//     timestamp (unit, digits) within the window of Config.Now, else the scenario that sets the timestamp
//     field; each credential input that travels in the body (the access key) equal to the configured one,
//     else the wrong-credentials answer; the signature (hex sha256 of the concatenation, the secret from
//     the configuration), else the scenario whose request.wrong names that secret. A request that passes
//     gets a random token (crypto/rand), valid for x-kontrak-token.periodSecond's default or the request's
//     own period within its bounds, set with its expiry (expiryUnit) at x-kontrak-token's pointers of the
//     documented success. The server remembers at most Config.MaxTokens unexpired tokens (DefaultMaxTokens),
//     forgetting expired ones as it issues new ones and, when full, the one nearest its expiry.
//     Then the request against its documented request (x-kontrak-request): content type, a body that
//     parses, unknown fields, field types — and, after rule 4, required fields and parameters and values
//     (pattern, length, uri). Each violation gets the answer the spec gives its kind (a code, or a status
//     and a body template); a kind the spec gives no answer is not enforced. A body over the operation's
//     limit (bodyLimit: the documented image size, encoded, plus half again and 64 KiB) is refused before
//     it is read, and at most Config.MaxLargeBodies large bodies are read at once.
//  4. Image (x-kontrak-image). The image field — a base64 value of a JSON or form body (a data: prefix is
//     read even where the document asks for none), or a multipart file part — is checked for presence,
//     encoding, the part's content type, the format (sniffed: jpeg, png, gif, bmp, webp), the size in bytes
//     and the dimensions, in that order. The first broken rule the spec's violations map gives a code is
//     answered as that code: the scenario that expects it (one whose request differs only by its image,
//     when there is one), else derived from the code table. A rule with no code in violations is not
//     enforced. An image field that is also a sandbox parameter (Verihubs' submit) skips validation for a
//     sandbox code, and for a value that is no picture at all (an unknown code: rule 5 answers it).
//  5. Sandbox (x-kontrak-sandbox). A sandbox parameter present in the request (a query parameter is also
//     read from a JSON or form body, for documents that list a GET's parameters as body parameters): a
//     value that is no code answers the table's unknown outcome (the scenario expecting it); otherwise a
//     request recorded exactly as it is answers as recorded, so that a code does not hide a payload error
//     recorded with it; otherwise the scenario with that sandbox value, a refusing outcome winning over an
//     accepting one when several parameters carry codes.
//  6. Cassettes. The request is matched (match.NewRequestMatcher of match.ForVendor, the
//     comparison replay makes; each recording canonicalised once at load, the request once for all of
//     them: credential headers and query parameters and signature fields
//     ignored, images by hash, the path compared as recorded whatever the prefix) against every
//     interaction of the operation in Config.Cassettes/<vendor>/*.yaml, ranked: scenarios a live run sends
//     before replay-only ones, shape scenarios first, then sandbox, then the others. The first match
//     answers; none: x-kontrak-request.unmatched — the documented success where the spec says any valid
//     input gets it, else the code it names; nothing (a fixture error) when it says nothing.
//  7. Specimens (reader.go). When the answer of rules 1 to 6 is the documented success of an operation that
//     maps a KTP (x-kontrak-canonical), and the request's image is one of kontrak's marked specimens
//     (specimen.ReadMark: a JPEG comment segment or a PNG tEXt chunk naming the identity's seed and the
//     variant, written by specimen.RenderMarked), the success's canonical fields — every place
//     x-kontrak-canonical maps them to, dates in their notation, joined values joined — carry the
//     identity's values as serve's OCR error model reads them (ocrmodel.yaml: per variant, a permille of
//     characters misread as their look-alike, drawn from SHA-256 of seed, variant, field and index, so
//     that the same specimen reads the same on every run; clean reads nearly perfectly, blur far worse).
//     A share of a variant's reads (ocrmodel.yaml failures, drawn from SHA-256 of seed and variant) fails
//     outright: it is answered as the operation's documented code of that kind of failure, which the spec
//     names (x-kontrak-canonical.failures: the code of an unreadable image), so that what a failed read
//     costs is the billing tables' and not assumed; an operation that names none reads the card.
//     A flow's submit remembers the specimen, and its result (and callback) answers the reading. A
//     variant the model does not list (no-card) is answered as an unmarked image. This is kontrak's model
//     of a card reader, for `kontrak scorecard` on loopback, never a vendor's measured behaviour: such an
//     answer carries the header Kontrak-Reader (ReaderHeader), which names the model.
//
// A body is parsed once, and an image field's base64 decoded once, for every rule above that reads them
// (the matcher of rule 6 included: match.RequestMatcher.LiveParsed).
//
// Each request logs one record through Config.Logger (log/slog; Config.Logf as a fallback): method,
// path, status, operation and the rule that
// answered, with the scenario or cassette interaction it answered from. The log never holds a request's
// values beyond sandbox codes: an image or a credential is never echoed.
package sandbox
