// Package kontrak holds the vendor contracts as data: specs/ (OpenAPI 3.1, one file a vendor) and schemas/
// (JSON Schema draft-07 of every response body). It embeds them so that the command line and the suites
// read the very files under review, wherever they run. No code lives here: contract/ reads these files.
package kontrak

import "embed"

// Files is specs/ and schemas/ as they were at build time.
//
//go:embed specs/*.yaml schemas
var Files embed.FS
