package contract

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The KTP stage: what a KTP means, written once against the canonical record (KTP) and the vocabulary
// (VocabularyFile), never per vendor. Breaking where the vendor's own contract is broken (a NIK that is not
// a NIK, a token expiry in the wrong unit, a success body on a failure status); a notice where only the KTP
// itself says so (a value outside a vocabulary set, an unknown province, a NIK that disagrees with the date
// of birth or the gender, two fields of one answer that disagree).

// ktpStage runs every semantic rule on a JSON body.
func (c *checker) ktpStage() {
	if !c.isJSON {
		return
	}
	o, doc := c.op, c.sj.Doc
	c.expiryUnit(doc)
	cm := o.Canonical
	if cm == nil {
		return
	}
	success := false
	for _, s := range cm.When.Statuses {
		if statusMatches(s, c.status) {
			success = true
		}
	}
	if !o.isSuccessBody(doc) {
		return
	}
	if !success {
		c.successOnFailure(doc)
		return
	}
	voc := o.Vendor.vocab
	if voc == nil {
		return
	}
	byField := o.canonicalValues(doc)
	c.nik(voc, byField)
	c.birthDate(voc, byField)
	for _, set := range voc.Sets {
		v, ok := byField.get(set.Field)
		if !ok || !v.ok || v.text == "" || c.masked(v.text) || set.Has(v.text) {
			continue
		}
		c.add(KTPValueUnusual, "", v.pointer, "one of "+quoteList(set.Values), quoteValue(v.text), from(set.Source), v.pointer, set.Field)
	}
	reported := map[string]bool{} // RT and RW may share a pointer ("002/003"): one finding for it
	for _, f := range []string{"rt", "rw"} {
		v, ok := byField.get(f)
		if !ok || !v.raw || reported[v.pointer] || c.masked(v.rawText) || strings.TrimSpace(v.rawText) == "" {
			continue
		}
		if v.ok && voc.rtrw.MatchString(v.text) {
			continue
		}
		if !v.ok && containsFold(cm.Fields[f].Nulls, v.rawText) {
			continue
		}
		reported[v.pointer] = true
		c.add(RTRWNotation, "", v.pointer, "RT and RW of pattern "+voc.RTRW.Pattern+" each", shapeOf(v.rawText), from(voc.RTRW.Source),
			v.pointer, strings.ToUpper(f))
	}
	for _, name := range canonicalFieldNames() {
		fm := cm.Fields[name]
		v, ok := byField.get(name)
		if fm == nil || !ok || !v.ok || len(fm.Also) == 0 {
			continue
		}
		for _, a := range fm.Also {
			w := readField(doc, name, a)
			if !w.ok || agree(v, w) {
				continue
			}
			src := cm.Source
			if a.Source != nil {
				src = *a.Source
			}
			c.add(CanonicalSourcesDisagree, "", v.pointer, "the same "+name+" as "+a.Pointer, "a different "+name, from(src),
				v.pointer, a.Pointer, name)
		}
	}
}

func agree(a, b canonValue) bool {
	if a.date != nil || b.date != nil {
		return a.date != nil && b.date != nil && *a.date == *b.date
	}
	return strings.EqualFold(strings.TrimSpace(a.text), strings.TrimSpace(b.text))
}

func (c *checker) masked(s string) bool {
	m := c.op.Canonical.Mask
	return m != "" && strings.Contains(s, m)
}

// nik judges the NIK: 16 digits (breaking); then, unless it is masked or synthetic, its province code and
// its birth digits against the date of birth and the gender (notices).
func (c *checker) nik(voc *Vocabulary, by canonValues) {
	v, ok := by.get("nik")
	if !ok || !v.raw {
		return // absent or not a string: the schema reports it
	}
	n := voc.NIK
	s := v.rawText
	if strings.TrimSpace(s) == "" || !v.ok && containsFold(c.op.Canonical.Fields["nik"].Nulls, s) {
		return // an empty value, or a documented placeholder, is no NIK to judge (the vocabulary's reading)
	}
	// the source is joined only for a finding: Check runs nik on every success body; the canonical field's
	// own source, where the place of the NIK is our reading, makes its findings notices (Policy)
	src := func() evidence {
		e := from(n.Source, c.op.Canonical.Source)
		if fs := c.op.Canonical.Fields["nik"].Source; fs != nil {
			e = e.also(*fs)
		}
		return e
	}
	if c.masked(s) {
		if !onlyDigitsOr(s, c.op.Canonical.Mask) {
			c.add(NIKMalformed, "mask", v.pointer, fmt.Sprintf("%d digits (or the vendor's mask %q)", n.Length, c.op.Canonical.Mask), shapeOf(s), src())
		}
		return
	}
	if len(s) != n.Length || !onlyDigitsOr(s, "") {
		c.add(NIKMalformed, "", v.pointer, fmt.Sprintf("%d digits", n.Length), shapeOf(s), src(), n.Length)
		return
	}
	if c.synthetic && n.Synthetic.Prefix != "" && strings.HasPrefix(s, n.Synthetic.Prefix) {
		return // kontrak's own redaction wrote it: its digits were drawn apart from the date and gender
	}
	pc := s[n.ProvinceDigits[0]-1 : n.ProvinceDigits[1]]
	if _, known := voc.Province(pc); !known {
		c.add(NIKProvinceUnknown, "", v.pointer, "a province code of the official list", "code "+pc, from(voc.Provinces.Source))
	} else if rc := s[n.ProvinceDigits[0]-1 : max(n.RegencyDigits[1], n.ProvinceDigits[1])]; voc.judgesRegencies() && !voc.Regency(rc) {
		// one cause, one finding: a regency is judged only in a province the list knows
		c.add(NIKRegencyUnknown, "", v.pointer, "a regency or city code of the official list (or one it superseded)", "code "+rc,
			from(voc.Regencies.Source))
	}
	b := s[n.BirthDigits[0]-1 : n.BirthDigits[1]]
	day, _ := strconv.Atoi(b[0:2])
	month, _ := strconv.Atoi(b[2:4])
	yy, _ := strconv.Atoi(b[4:6])
	female := day > n.FemaleDayOffset
	if female {
		day -= n.FemaleDayOffset
	}
	where := "digits " + strconv.Itoa(n.BirthDigits[0]) + "–" + strconv.Itoa(n.BirthDigits[1])
	if !validDayMonth(day, month) {
		c.add(NIKBirthDateMismatch, "date", v.pointer, where+" a date DDMMYY (day + "+strconv.Itoa(n.FemaleDayOffset)+" for women)",
			"not a date", from(n.Source))
		return
	}
	if d, ok := by.get("birthDate"); ok && d.ok && d.date != nil {
		if d.date.Day != day || int(d.date.Month) != month || d.date.Year%100 != yy {
			c.add(NIKBirthDateMismatch, "", v.pointer, where+" agreeing with "+d.pointer, where+" encode another date", from(n.Source))
		}
	}
	if g, ok := by.get("gender"); ok && g.ok {
		want := ""
		switch {
		case containsFold(n.Female, g.text):
			want = "woman"
		case containsFold(n.Male, g.text):
			want = "man"
		}
		got := "man"
		if female {
			got = "woman"
		}
		if want != "" && want != got {
			c.add(NIKGenderMismatch, "", v.pointer, where+" coding a "+want+" (as "+g.pointer+" says)", where+" code a "+got, from(n.Source))
		}
	}
}

// birthDate judges the holder's date of birth against the day of the check: not after it, and at least the
// KTP age before it (notices: a married minor may hold a KTP-el). The date itself is never echoed.
func (c *checker) birthDate(voc *Vocabulary, by canonValues) {
	d, ok := by.get("birthDate")
	if !ok || !d.ok || d.date == nil || c.synthetic {
		return // kontrak's own values are drawn apart from any clock
	}
	now := c.now().UTC()
	born := time.Date(d.date.Year, d.date.Month, d.date.Day, 0, 0, 0, 0, time.UTC)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	min := voc.Holder.MinimumAge
	switch {
	case min == 0:
		return // a vocabulary of an earlier version states no KTP age
	case born.After(today):
		c.add(KTPBirthDateImplausible, "", d.pointer, "a date of birth before the day of the check", "a date after it", from(voc.Holder.Source))
	case born.AddDate(min, 0, 0).After(today):
		c.add(KTPBirthDateImplausible, "young", d.pointer, fmt.Sprintf("a holder of at least %d years (or married)", min),
			fmt.Sprintf("a holder younger than %d", min), from(voc.Holder.Source), min)
	}
}

func validDayMonth(day, month int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	// Feb 29 exists in some year of every century: accept it, the two-digit year cannot say more.
	return day <= time.Date(2000, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func onlyDigitsOr(s, mask string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (mask == "" || !strings.ContainsRune(mask, r)) {
			return false
		}
	}
	return true
}

// successOnFailure reports a success body arriving with a status outside the success statuses: a client
// that reads the status sees a failure, one that reads the body sees a KTP.
func (c *checker) successOnFailure(doc any) {
	o := c.op
	for _, key := range o.Canonical.When.Statuses {
		for _, r := range o.Responses {
			if r.Status != strings.ToUpper(key) || r.schema == nil {
				continue
			}
			if ok, err := r.schema.conforms(doc); err != nil || !ok {
				continue
			}
			c.add(SuccessBodyOnErrorStatus, "", "", "a success body with HTTP "+strings.Join(o.Canonical.When.Statuses, " or "),
				fmt.Sprintf("a success body with HTTP %d", c.status), from(o.Canonical.Source), c.status, r.Status)
			return
		}
	}
}

// expiryUnit checks a token's expiry against its documented unit: epoch milliseconds have 13 digits,
// seconds 10 (for every date between 2001 and 2286).
func (c *checker) expiryUnit(doc any) {
	t := c.op.Token
	if t == nil || t.ExpiryPointer == "" {
		return
	}
	want := map[string]int{"ms": 13, "s": 10}[t.ExpiryUnit]
	if want == 0 {
		return
	}
	v, ok := lookupValue(doc, t.ExpiryPointer)
	num, isNum := v.(json.Number)
	if !ok || !isNum {
		return // absent or another type: the schema reports it
	}
	digits := strings.TrimLeft(strings.SplitN(num.String(), ".", 2)[0], "-")
	if len(digits) == want {
		return
	}
	c.add(EpochUnitMismatch, "", t.ExpiryPointer, fmt.Sprintf("epoch %s (%d digits)", t.ExpiryUnit, want),
		fmt.Sprintf("%d digits", len(digits)), from(t.Source))
}
