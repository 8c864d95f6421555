//go:build ignore

// gen_atlas writes atlas.bin.gz, the glyph atlas of the card's text, from the Go fonts (see
// internal/atlasgen for why the atlas is committed rather than rasterised at run time). Run it on amd64,
// by `go generate ./specimen`; then refresh the golden hashes (`go test ./specimen -update`) and the
// cassettes that hold image hashes (`make cassettes`).
package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/kontrak/kontrak/specimen/internal/atlasgen"
)

func main() {
	if runtime.GOARCH != "amd64" {
		fmt.Fprintf(os.Stderr, "gen_atlas: run on amd64, not %s: the committed atlas is amd64's rasterisation (see internal/atlasgen)\n", runtime.GOARCH)
		os.Exit(1)
	}
	atlas, err := atlasgen.Generate()
	if err == nil {
		atlas, err = atlasgen.Compress(atlas)
	}
	if err == nil {
		err = os.WriteFile("atlas.bin.gz", atlas, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_atlas:", err)
		os.Exit(1)
	}
}
