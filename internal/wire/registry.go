package wire

import "strings"

// The IANA registries kontrak keeps a protocol word by: what a registry names is no one's data, anything
// else in its place is the input's word (a name, a NIK), printed by its shape and not kept by redaction.
// One copy for the printers (contract) and the redaction policy (redact).

// MediaTopLevel reports whether t is a top-level media type IANA registers (RFC 6838), lower case.
func MediaTopLevel(t string) bool { return mediaTopLevel[t] }

var mediaTopLevel = setOf(`application audio example font haptics image message model multipart text video`)

// Coding reports whether s is a coding of the IANA HTTP Content Coding Registry, or the transfer coding
// "chunked", whatever its case.
func Coding(s string) bool { return codings[strings.ToLower(strings.TrimSpace(s))] }

var codings = setOf(`aes128gcm br chunked compress dcb dcz deflate exi gzip identity pack200-gzip x-compress x-gzip zstd`)

// Method reports whether m is a method of the IANA HTTP Method Registry, as written (methods are case
// sensitive).
func Method(m string) bool { return methods[m] }

var methods = setOf(`ACL BASELINE-CONTROL BIND CHECKIN CHECKOUT CONNECT COPY DELETE GET HEAD LABEL LINK LOCK MERGE
	MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE OPTIONS ORDERPATCH PATCH POST PRI PROPFIND PROPPATCH
	PUT QUERY REBIND REPORT SEARCH TRACE UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF VERSION-CONTROL`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
