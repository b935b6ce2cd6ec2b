package bench

import "fmt"

// inboxPath is a handler's first page of the inbox by the next deadline: the open reports from
// the store's deadline index (kept in the write that changes a report's deadline), never a walk
// over all reports.
const inboxPath = "/reports?sort=deadline&limit=50"

// inboxRow is the inbox by deadline at 100k reports against 1k: it should be flat.
func inboxRow(row func(part string, p pairs, why string) Row, p pairs) Row {
	out := row("Inbox by deadline, bbolt", p, fmt.Sprintf(
		"the first page (50) of the open reports by next deadline comes from the deadline index, one ordered walk of 51 "+
			"entries whatever the number of reports, plus its audit entry: %s with 1k, %s with 100k",
		fmtDur(p.B.q(.5)), fmtDur(p.A.q(.5))))
	out.Note = "GET /api/v1/institutions/{id}" + inboxPath + " on the dashboard's seeded stores (every report open, most past a deadline); " +
		"sequential requests with a handler's token, each audited"
	return out
}
