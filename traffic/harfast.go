package traffic

import (
	"strconv"
	"strings"
)

// fastEntry decodes a HAR entry as json.Unmarshal decodes it into harEntry, in one validating pass and
// without reflection. ok is false wherever the two could differ: a member name that matches a field
// only without regard to case (encoding/json's folding) or that is not ASCII, a field given twice (which
// encoding/json merges), a value of the wrong type (its error is encoding/json's to word). The caller
// then asks json.Unmarshal. FuzzFastEntry holds the two to the same result.
func fastEntry(raw []byte) (e harEntry, ok bool) {
	sc := jscan{b: raw}
	ms, ok := sc.members(true)
	if !ok {
		return e, false
	}
	ok = fields(ms, func(name string, v []byte) bool {
		switch name {
		case "startedDateTime":
			return str(v, &e.StartedDateTime)
		case "request":
			return harObject(v, func(name string, v []byte) bool {
				switch name {
				case "method":
					return str(v, &e.Request.Method)
				case "url":
					return str(v, &e.Request.URL)
				case "headers":
					return headerList(v, &e.Request.Headers)
				case "postData":
					if isNull(v) {
						return true
					}
					pd := new(harPostData)
					e.Request.PostData = pd
					return harObject(v, func(name string, v []byte) bool {
						switch name {
						case "mimeType":
							return str(v, &pd.MimeType)
						case "text":
							return str(v, &pd.Text)
						case "encoding":
							return str(v, &pd.Encoding)
						case "params":
							return list(v, func(el []byte) bool {
								var p harParam
								ok := harObject(el, func(name string, v []byte) bool {
									switch name {
									case "name":
										return str(v, &p.Name)
									case "value":
										return str(v, &p.Value)
									case "fileName":
										return str(v, &p.FileName)
									case "contentType":
										return str(v, &p.ContentType)
									}
									return true
								}, "name", "value", "fileName", "contentType")
								pd.Params = append(pd.Params, p)
								return ok
							}, func() {
								if pd.Params == nil {
									pd.Params = []harParam{}
								}
							})
						}
						return true
					}, "mimeType", "text", "encoding", "params")
				}
				return true
			}, "method", "url", "headers", "postData")
		case "response":
			return harObject(v, func(name string, v []byte) bool {
				switch name {
				case "status":
					return integer(v, &e.Response.Status)
				case "headers":
					return headerList(v, &e.Response.Headers)
				case "content":
					c := &e.Response.Content
					return harObject(v, func(name string, v []byte) bool {
						switch name {
						case "mimeType":
							return str(v, &c.MimeType)
						case "text":
							return str(v, &c.Text)
						case "encoding":
							return str(v, &c.Encoding)
						}
						return true
					}, "mimeType", "text", "encoding")
				}
				return true
			}, "status", "headers", "content")
		}
		return true
	}, "startedDateTime", "request", "response")
	return e, ok
}

// fields gives fn each member whose name is one of names; it refuses (false) a name that is one of them
// only without regard to case, or not ASCII, and a name given twice.
func fields(ms []member, fn func(name string, v []byte) bool, names ...string) bool {
	var seen uint32
	for _, m := range ms {
		for i := 0; i < len(m.name); i++ {
			if m.name[i] >= 0x80 {
				return false // it may fold to a field's name (the Kelvin sign is a k)
			}
		}
		k := -1
		for i, n := range names {
			if len(m.name) != len(n) { // ASCII folds keep the length
				continue
			}
			if m.name == n {
				k = i
				break
			}
			if strings.EqualFold(m.name, n) {
				return false
			}
		}
		if k < 0 {
			continue
		}
		if seen&(1<<k) != 0 {
			return false
		}
		seen |= 1 << k
		if !fn(m.name, m.raw) {
			return false
		}
	}
	return true
}

// harObject reads an object value (null: nothing) through fields.
func harObject(v []byte, fn func(name string, v []byte) bool, names ...string) bool {
	if isNull(v) {
		return true
	}
	if v[0] != '{' {
		return false
	}
	sc := jscan{b: v, trusted: true} // fastEntry has validated the whole entry
	ms, ok := sc.members(true)
	return ok && fields(ms, fn, names...)
}

// list reads an array value (null: nothing), each element through fn; empty is called for `[]`.
func list(v []byte, fn func(el []byte) bool, empty func()) bool {
	if isNull(v) {
		return true
	}
	if v[0] != '[' {
		return false
	}
	sc := jscan{b: v, i: 1, trusted: true}
	sc.ws()
	if sc.i < len(v) && v[sc.i] == ']' {
		empty()
		return true
	}
	for {
		sc.ws()
		start := sc.i
		if !sc.value() || !fn(v[start:sc.i]) {
			return false
		}
		sc.ws()
		if sc.i >= len(v) {
			return false
		}
		if v[sc.i] == ']' {
			return true
		}
		sc.i++ // the comma: jscan has checked the array
	}
}

func headerList(v []byte, out *[]harHeader) bool {
	return list(v, func(el []byte) bool {
		var h harHeader
		ok := harObject(el, func(name string, v []byte) bool {
			if name == "name" {
				return str(v, &h.Name)
			}
			return str(v, &h.Value)
		}, "name", "value")
		*out = append(*out, h)
		return ok
	}, func() {
		if *out == nil {
			*out = []harHeader{}
		}
	})
}

// str reads a string value (null: unchanged).
func str(v []byte, out *string) bool {
	if isNull(v) {
		return true
	}
	s, ok := jsonString(v)
	*out = s
	return ok
}

// integer reads an integral number value (null: unchanged), as encoding/json reads one into an int.
func integer(v []byte, out *int) bool {
	if isNull(v) {
		return true
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	*out = int(n)
	return err == nil
}
