package meldpunt

import (
	"context"
	"slices"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/dashboard"
)

// The institution side: a handler's inbox and cases, the audit log and the dashboard. Every
// read and write of a report by staff is audited first, so that nothing is read without a
// trace; a request that fails its checks changes nothing, not even the audit log.

// Staff is the staff member acting on their institution's reports (from a verified token).
type Staff struct {
	Institution string
	// Subject identifies the staff member in the audit log; Role is their role.
	Subject string
	Role    string
	// Roles are all the roles the staff member holds (Role is the most trusted of them).
	Roles []string
}

// Has reports whether the staff member holds the role.
func (s Staff) Has(role string) bool { return s.Role == role || slices.Contains(s.Roles, role) }

// StatusOpen is the inbox filter for every report that is not closed.
const StatusOpen = meldwijzer.StatusOpen

// Inbox page sizes: the domain's, so that a limit the API accepts is a page the stores return.
const (
	DefaultInboxLimit = meldwijzer.DefaultPageSize
	MaxInboxLimit     = meldwijzer.MaxReportsPage
)

// InboxQuery selects a page of the inbox.
type InboxQuery struct {
	// Status is a report status, StatusOpen, or "" for all.
	Status string
	Cursor string
	// Limit is 1..MaxInboxLimit (DefaultInboxLimit when 0), for every status.
	Limit int
	// Sort is "" (newest first) or meldwijzer.SortDeadline (open cases, the next deadline
	// first); Overdue keeps the cases past their next deadline, by deadline.
	Sort    string
	Overdue bool
}

// audit appends who did what to which report, before the data leaves.
func (s *Service) audit(ctx context.Context, who Staff, action, reportID, detail string) error {
	if s.auditLog == nil {
		return meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "the audit log is not set up on this server")
	}
	return s.auditLog.AppendAudit(ctx, meldwijzer.AuditEntry{
		Institution: who.Institution, At: s.now().UTC().Truncate(time.Millisecond),
		Actor: who.Subject, Role: who.Role, Action: action, ReportID: reportID, Detail: detail,
	})
}

// Inbox lists the institution's reports newest first, a page at a time, and audits the listing.
func (s *Service) Inbox(ctx context.Context, who Staff, q InboxQuery) ([]*meldwijzer.Report, string, error) {
	if q.Status != "" && q.Status != StatusOpen && meldwijzer.CheckStatus(q.Status) != nil {
		return nil, "", meldwijzer.Errorf(meldwijzer.EINVALID, "status must be open, received, in_progress or closed")
	}
	if q.Limit == 0 {
		q.Limit = DefaultInboxLimit
	}
	if q.Limit < 1 || q.Limit > MaxInboxLimit {
		return nil, "", meldwijzer.Errorf(meldwijzer.EINVALID, "limit must be a number from 1 to %d", MaxInboxLimit)
	}
	f, err := s.inboxFilter(who, q)
	if err != nil {
		return nil, "", err
	}
	if err := s.audit(ctx, who, meldwijzer.AuditList, "", q.Status); err != nil {
		return nil, "", err
	}
	page, next, err := s.store.Reports(ctx, f)
	// The inbox shows no text: it is neither opened nor passed on.
	for _, r := range page {
		r.Forget(s.now())
		forgetText(r)
	}
	return page, next, err
}

// Case returns one report with its messages, and audits the read.
func (s *Service) Case(ctx context.Context, who Staff, id string) (*meldwijzer.Report, error) {
	r, err := s.store.Report(ctx, who.Institution, id)
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, who, meldwijzer.AuditRead, r.ID, ""); err != nil {
		return nil, err
	}
	if err := s.openReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Reply adds the institution's answer to a report's conversation (a received case goes in
// progress with it); it returns the message and the report as it is now.
func (s *Service) Reply(ctx context.Context, who Staff, id, text string) (*meldwijzer.Message, *meldwijzer.Report, error) {
	if err := CheckMessage(text); err != nil {
		return nil, nil, err
	}
	r, err := s.store.Report(ctx, who.Institution, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.audit(ctx, who, meldwijzer.AuditReply, id, ""); err != nil {
		return nil, nil, err
	}
	// The answer takes a received case in progress, in the store's same write.
	if r.Status == meldwijzer.StatusReceived {
		if err := s.audit(ctx, who, meldwijzer.AuditStatus, id, meldwijzer.StatusInProgress); err != nil {
			return nil, nil, err
		}
	}
	return s.addMessage(ctx, who.Institution, id, meldwijzer.FromInstitution, text)
}

// SetStatus moves a report to a status; closing starts the retention period.
func (s *Service) SetStatus(ctx context.Context, who Staff, id, status string) (*meldwijzer.Report, error) {
	if err := meldwijzer.CheckStatus(status); err != nil {
		return nil, err
	}
	if _, err := s.store.Report(ctx, who.Institution, id); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, who, meldwijzer.AuditStatus, id, status); err != nil {
		return nil, err
	}
	r, err := s.store.SetStatus(ctx, who.Institution, id, status, Day(s.now()), s.retention)
	if err != nil {
		return nil, err
	}
	// The key expires with the report (closing) or no longer (reopening). Also when the status
	// did not change: a retry after a failed expiry write repairs it.
	if s.sealer == nil {
		return nil, errNoSealer
	}
	if err := s.sealer.Expire(ctx, ReportKey(r.Institution, r.ID), r.ExpiresAt); err != nil {
		return nil, err
	}
	if err := s.openReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// AuditLogPage is the size of a page of the audit log.
const AuditLogPage = 100

// AuditLog lists who read and changed the institution's reports, newest first.
func (s *Service) AuditLog(ctx context.Context, who Staff, cursor string) ([]meldwijzer.AuditEntry, string, error) {
	if s.auditLog == nil {
		return nil, "", meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "the audit log is not set up on this server")
	}
	return s.auditLog.Audit(ctx, who.Institution, cursor, AuditLogPage)
}

// Cases counts the open cases and those past a deadline.
type Cases = meldwijzer.Cases

// Dashboard is an institution's dashboard with, when asked for, its open cases.
type Dashboard struct {
	*dashboard.Dashboard
	Cases *Cases `json:"cases,omitempty"`
}

// Dashboard builds the institution's dashboard for months from..to (YYYY-MM; to defaults to
// this month, from to eleven months before to) from the pre-aggregated counts, never the
// reports, with the small counts suppressed. A handler's includes the current month and, when
// withCases, the open-case counts. Anyone else sees whole past months only (a to in the current
// month or later becomes last month), so that a reload never shows when one report arrived, and
// no case counts: those are a handler's tool.
func (s *Service) Dashboard(ctx context.Context, who Staff, from, to string, withCases bool) (*Dashboard, error) {
	return s.dashboard(ctx, who, from, to, withCases, s.k)
}

// dashboard is Dashboard with the smallest count shown, k (1: every count).
func (s *Service) dashboard(ctx context.Context, who Staff, from, to string, withCases bool, k int) (*Dashboard, error) {
	institution := who.Institution
	now := s.now().UTC()
	thisMonth := now.Format("2006-01")
	handler := who.Has(auth.RoleHandler)
	if to == "" {
		to = thisMonth
	}
	if !handler {
		withCases = false
		if last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01"); to > last {
			to = last
		}
	}
	if from == "" {
		t, _ := time.Parse("2006-01", to)
		from = t.AddDate(0, -11, 0).Format("2006-01")
	}
	if _, err := dashboard.Months(from, to); err != nil {
		if !handler && from >= thisMonth {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a viewer's dashboard shows whole past months: the current month appears when it ends")
		}
		return nil, err
	}
	counts, err := s.store.Counts(ctx, institution, from, to)
	if err != nil {
		return nil, err
	}
	d, err := dashboard.Build(institution, from, to, counts, s.values, k)
	if err != nil {
		return nil, err
	}
	if err := s.addIncidentSeries(ctx, d, k); err != nil {
		return nil, err
	}
	if !withCases {
		return &Dashboard{Dashboard: d}, err
	}
	// From the deadline counts the store keeps with every status change: a sum over days,
	// never a walk over the open reports.
	due, err := s.store.Due(ctx, institution)
	if err != nil {
		return nil, err
	}
	c := meldwijzer.CountCases(due, now)
	return &Dashboard{Dashboard: d, Cases: &c}, nil
}
