// Package specdiff compares two versions of one vendor's spec, the way a reviewer of a spec change needs
// it: what changed, and whether it breaks a client written against the old version.
//
// The OpenAPI part (operations, parameters, request bodies, examples, servers, info) is libopenapi's
// what-changed, with its own breaking rules. What libopenapi cannot see is compared here by natural key:
// the response statuses (status-added is breaking: a client meets an answer it was not told of), the
// JSON Schema files the responses $ref (flattened by Fields into pointer, types, formats, required and
// closed set: a removed required field, a widened type or set, a dropped or replaced format and a
// dropped requirement are breaking), and every x-kontrak-* table: codes by code (added, removed, moved
// to another status, made free or billable, flags, messages), billing by pointer, value and status,
// sandbox values by parameter and value, the image limits field by field, and the other extensions leaf
// by leaf. Kinds lists every kind of change with its severity and why.
//
// Rejudge checks committed cassettes under both versions and lists the interactions whose verdict
// (conform, notice, drift) or findings differ: the proof of what a spec edit does to real answers.
//
// Open reads a version from a file or from git (git:REV:path, the schemas as they are at REV too); Load
// and Overlay let a test build a changed version from today's tree without writing files.
package specdiff
