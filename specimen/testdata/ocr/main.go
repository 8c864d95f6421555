// Command ocr measures how well an open OCR engine (tesseract, which must be on PATH) reads the specimen
// cards: the share of NIK digits read right and the share of printed values read exactly, per variant.
// It is a measurement for people, not a test: tesseract's output depends on its version and its trained
// data, so it cannot be a golden. Run from the repository root:
//
//	go run ./specimen/testdata/ocr -n 20 -size 1024x640
//
// NIK digits: the NIK's 16 digits against the longest run of digits on the OCR line that holds the most
// digits, scored 1 - Levenshtein/16 (a dropped or extra digit costs one, not the rest of the line).
// Values: the printed values (name, place and date of birth, gender, blood type, address, RT/RW, village,
// district, religion, marital status, occupation, nationality, expiry, province, city), spaces normalised:
// "exact" is the share found verbatim in the OCR text; "chars" the share of their characters read right,
// 1 - d/len summed over values, d the edit distance to the best-matching stretch of the text.
// With -keep, a directory that already holds a variant's OCR text is read instead of running tesseract
// again (to rescore).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/kontrak/kontrak/scorecard"
	"github.com/kontrak/kontrak/specimen"
)

func main() {
	n := flag.Int("n", 20, "identities per variant")
	size := flag.String("size", "1024x640", "render size WxH")
	psm := flag.String("psm", "3", "tesseract page segmentation mode")
	keep := flag.String("keep", "", "directory to keep the images and OCR text in (default: a temporary one, removed)")
	flag.Parse()
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil {
		fmt.Fprintln(os.Stderr, "ocr: -size:", err)
		os.Exit(2)
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "specimen-ocr")
		if err != nil {
			fmt.Fprintln(os.Stderr, "ocr:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "ocr:", err)
		os.Exit(1)
	}
	fmt.Printf("%-10s %8s %8s %8s   (%d identities, %dx%d JPEG, tesseract --psm %s)\n", "variant", "NIK", "exact", "chars", *n, w, h, *psm)
	for _, v := range []specimen.Variant{specimen.Clean, specimen.Grayscale, specimen.Dark, specimen.Blur} {
		var nikSum float64
		values, found, chars, charsRight := 0, 0, 0, 0
		for i := range *n {
			id := specimen.NewIdentity(fmt.Sprint("ocr-", i))
			img, err := specimen.Render(id, v, specimen.JPEG, w, h)
			if err != nil {
				fmt.Fprintln(os.Stderr, "ocr:", err)
				os.Exit(1)
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%02d.jpg", v, i))
			if err := os.WriteFile(path, img, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "ocr:", err)
				os.Exit(1)
			}
			txt := strings.TrimSuffix(path, ".jpg") + ".txt"
			out, err := os.ReadFile(txt)
			if err != nil || *keep == "" {
				out, err = exec.Command("tesseract", path, "-", "--psm", *psm, "-l", "eng").Output()
				if err != nil {
					fmt.Fprintln(os.Stderr, "ocr: tesseract:", err)
					os.Exit(1)
				}
				_ = os.WriteFile(txt, out, 0o644)
			}
			text := normal(string(out))
			nikSum += nikScore(id.NIK, string(out))
			for _, val := range printed(id) {
				values++
				nv := normal(val)
				if strings.Contains(text, nv) {
					found++
				}
				chars += len([]rune(nv))
				charsRight += max(0, len([]rune(nv))-scorecard.StretchDistance(nv, text))
			}
		}
		fmt.Printf("%-10s %7.1f%% %7.1f%% %7.1f%%\n", v, 100*nikSum/float64(*n), 100*float64(found)/float64(values), 100*float64(charsRight)/float64(chars))
	}
}

func printed(id specimen.Identity) []string {
	return []string{id.Name, id.BirthPlace + ", " + id.BirthDate, id.Gender, id.BloodType, id.Address, id.RTRW,
		id.Village, id.District, id.Religion, id.MaritalStatus, id.Occupation, id.Nationality, id.ExpiryDate,
		"PROVINSI " + id.Province, "KOTA " + id.City}
}

// normal upper-cases and collapses every run of white space to one space.
func normal(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

func nikScore(nik, text string) float64 {
	best := ""
	for _, line := range strings.Split(text, "\n") {
		var run, longest strings.Builder
		flush := func() {
			if run.Len() > longest.Len() {
				longest.Reset()
				longest.WriteString(run.String())
			}
			run.Reset()
		}
		for _, r := range line {
			switch {
			case unicode.IsDigit(r):
				run.WriteRune(r)
			case r == ' ':
			default:
				flush()
			}
		}
		flush()
		if longest.Len() > len(best) {
			best = longest.String()
		}
	}
	d := scorecard.Levenshtein(nik, best) // by rune: a non-ASCII digit the OCR read counts once
	return max(0, 1-float64(d)/float64(len(nik)))
}
