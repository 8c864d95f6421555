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
	}
}
