package contract

import (
	"fmt"
	"strings"
)

// The status stage: the HTTP status must be documented for the operation, exactly or by range (4XX). An
// undocumented status is one finding; the body is still judged, against the response its code documents or
// the one it breaks least (rule_schema.go), so that a missing billing flag is not hidden.
func (c *checker) statusStage() {
	o := c.op
	if c.resp = o.Response(c.status); c.resp == nil {
		c.add(StatusUndocumented, "", "", "one of "+strings.Join(o.Statuses(), ", "), fmt.Sprint(c.status), from(o.Source), c.status, o.Route())
		return
	}
	// A status class (2XX) covers statuses that carry no content (RFC 9110 §15.3.5, §15.3.6, §15.4.5): a
	// documented body cannot arrive with them, and a client that reads it breaks.
	if noContent[c.status] && c.resp.ContentType != "" && c.resp.Status != fmt.Sprint(c.status) {
		c.add(StatusUndocumented, "nocontent", "", "one of "+strings.Join(o.Statuses(), ", ")+" with its documented body", fmt.Sprint(c.status),
			from(c.resp.Source), c.status, c.resp.Status)
	}
}

// noContent are the statuses that carry no content.
var noContent = map[int]bool{204: true, 205: true, 304: true}
