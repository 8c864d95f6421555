package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/kontrak/kontrak/internal/wire"
	"github.com/kontrak/kontrak/scorecard"
	"github.com/kontrak/kontrak/specimen"
)

func runScorecard(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("scorecard")
	vendors := fs.String("vendors", "", "vendors to score, comma-separated (default: every vendor configured for live mode)")
	samples := fs.Int("samples", 8, "synthetic identities, each sent in every variant")
	variants := fs.String("variants", "", "specimen variants, comma-separated (default: clean,blur,dark,glare,grayscale)")
	golden := fs.String("golden", "", "a directory holding truth.yaml and its images: a team's own set, scored instead of specimens")
	out := fs.String("out", "", "write the scorecard to this file (default: standard output)")
	_, render, err := parseReporting(fs, scorecard.Report, args, noArgs)
	if err != nil {
		return err
	}
	c, err := loadContract()
	if err != nil {
		return err
	}
	o := scorecard.Options{Contract: c, Getenv: os.Getenv, Samples: *samples, Golden: *golden, Log: stderr}
	if *vendors != "" {
		o.Vendors = splitList(*vendors)
	}
	if *variants != "" {
		for _, v := range splitList(*variants) {
			o.Variants = append(o.Variants, specimen.Variant(v))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	card, runErr := scorecard.Run(ctx, o)
	if card == nil {
		return runErr
	}
	var b bytes.Buffer
	if err := render(&b, card); err != nil {
		return err
	}
	if *out != "" {
		if err := wire.WriteFileAtomic(*out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--out: %v", err)
		}
	} else if _, err := stdout.Write(b.Bytes()); err != nil {
		return err
	}
	for _, v := range card.Vendors {
		if v.Cut != "" {
			fmt.Fprintf(stderr, "kontrak scorecard: %s: %s\n", v.Vendor, v.Cut)
		}
	}
	if errors.Is(runErr, scorecard.ErrNothingScored) {
		fmt.Fprintf(stderr, "kontrak scorecard: %v\n", runErr)
		return errNothing
	}
	return runErr
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
