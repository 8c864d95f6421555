// Package specdiff compares two versions of one vendor's spec, the way a reviewer of a spec change needs
// it: what changed, where, and whether it breaks a client written against the old version.
//
// The OpenAPI part (parameters, request bodies, headers, security, servers, examples, callbacks, info) is
// libopenapi's what-changed, with its own breaking rules. What libopenapi cannot see is compared here by
// natural key: the operations (by operationId, then by method and path: a changed operationId is
// libopenapi's one finding, a changed route is operation-moved), the response statuses (status-added is
// breaking: a client meets an answer it was not told of), the JSON Schema files the responses $ref
// (flattened by Fields into pointer, types, formats, required and closed set: a removed required field, a
// widened type or set, a dropped or replaced format and a dropped requirement are breaking), and every
// x-kontrak-* table: codes by code (added, removed, moved to another status, made free or billable,
// flags, messages), a code table the document shares (x-kontrak.codeTables) once for every operation
// that includes it, billing by pointer, value and status, sandbox values by parameter and value, the
// image limits field by field; what those comparisons leave out (a fact's provenance, a code's
// description) and every other extension leaf by leaf, a list's items matched by their code, value,
// parameter, id, name or violation. Kinds lists every kind of change with its severity and why.
//
// One change is one finding. Where libopenapi and kontrak's own comparison both see a change (an
// operation or a response status added or removed, an extension kontrak compares by key), kontrak's
// finding is the one reported, with kontrak's severity: a removed status is status-removed, not breaking,
// though libopenapi calls the removed response code breaking. A change of a schema file that several
// statuses of an operation read (advance's 429 body is its 200 envelope) is one finding naming every
// status ("200,429 /message"). A removal and an addition of equal content under one parent (a header, a
// parameter, a field, an example or a server renamed) are one rename, breaking when either is; renamed
// and changed, it is a removal and an addition. A $ref pointed at another schema file is one finding for
// the $ref and one for each field whose description differs. A route that changed is one finding,
// operation-moved; what else changed inside that operation is compared by kontrak only (libopenapi sees
// a path removed and a path added, and compares nothing within).
//
// Every finding names its operation (the operationId, in the new version when it changed; empty for the
// document) and its place (Change.Where): a JSON Pointer into the spec for a place of the document
// ("/paths/~1v1~1x/post/responses/400", "/components/securitySchemes/apiKey/name", a leaf of an
// extension), with its line; the key of a table otherwise (a code, a sandbox value, an image limit, the
// statuses and body pointer of a field). libopenapi gives a change's place as a line and a column only:
// the pointer is the node there in the YAML it parsed (the old version for a removal), moved to the member
// or object the change is about. The message says the place in words ("response 429 header Retry-After
// required changed: true → false", "query parameter reference_id renamed to ref_id"). The values of an
// example (personal data: an example holds a KTP's fields) and of a signature's known answer (a
// credential) are never shown: the finding names the example and the pointer in it.
//
// Rejudge checks committed cassettes under both versions and lists the interactions whose verdict
// (conform, notice, drift) or findings differ: the proof of what a spec edit does to real answers.
//
// Open reads a version from a file or from git (git:REV:path, the schemas as they are at REV too); Load
// and Overlay let a test build a changed version from today's tree without writing files.
package specdiff
