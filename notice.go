package meldwijzer

import "time"

// Notices tell an institution's meldpunt that there is work, never what it is. A notice names
// the institution and the kind of event and nothing else: no report id, theme, text, receipt
// or time, so that whatever carries it (a mail that passes through servers the school does not
// control, a forwarded inbox, a phone's lock screen) cannot leak a report.
const (
	NoticeReport   = "report"   // a new report arrived
	NoticeMessage  = "message"  // a reporter wrote in their conversation
	NoticeDeadline = "deadline" // a deadline of an open report is RemindBefore away
)

// NoticeKinds lists the kinds of notice.
var NoticeKinds = []string{NoticeReport, NoticeMessage, NoticeDeadline}

// Notice is one event to tell an institution's meldpunt about.
type Notice struct {
	Institution string
	Kind        string
}

// RemindBefore is how long before a deadline the meldpunt is reminded.
const RemindBefore = 2 * 24 * time.Hour

// DeadlineSoon reports whether any open report of the institution waits on a deadline that
// falls RemindBefore after the day of now: the day the reminder is due. It reads the deadline
// counts (Due), never the reports. Deadlines are days, so a job that runs once a day sends one
// reminder for each deadline day; a day the job misses is not made up (the dashboard shows the
// overdue cases either way).
func DeadlineSoon(due []Due, now time.Time) bool {
	day := now.UTC().Truncate(24 * time.Hour).Add(RemindBefore)
	for _, d := range due {
		if d.N > 0 && d.By.UTC().Truncate(24*time.Hour).Equal(day) {
			return true
		}
	}
	return false
}
