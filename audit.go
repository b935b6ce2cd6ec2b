package meldwijzer

import (
	"context"
	"time"
)

// Audit actions: every read and write of reports by institution staff.
const (
	AuditList   = "list"
	AuditRead   = "read"
	AuditReply  = "reply"
	AuditStatus = "status"
	// AuditContacts: an admin replaced the institution's help contacts.
	AuditContacts = "contacts"
)

// AuditEntry records who did what to which report, and when. It holds no report text.
type AuditEntry struct {
	Institution string
	At          time.Time
	// Actor is the staff member's token subject; Role their role.
	Actor  string
	Role   string
	Action string
	// ReportID is empty for a list.
	ReportID string
	// Detail is a short machine value, such as the new status.
	Detail string
}

// AuditLog keeps the audit entries an institution can read. Entries are never changed or
// deleted by the application.
type AuditLog interface {
	AppendAudit(ctx context.Context, e AuditEntry) error
	// Audit lists an institution's entries, newest first, with the cursor of the next page.
	Audit(ctx context.Context, institution, cursor string, limit int) ([]AuditEntry, string, error)
}
