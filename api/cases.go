package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/meldpunt"
)

type identityKey struct{}

// identity is the verified staff member of the request (set by endpoint for staff routes).
func identity(r *http.Request) *auth.Identity {
	id, _ := r.Context().Value(identityKey{}).(*auth.Identity)
	return id
}

// authorize verifies the Bearer token and the institution and role it grants for the route.
func (s *Server) authorize(r *http.Request, roles []string) (*http.Request, error) {
	if s.verifier == nil {
		return nil, meldwijzer.Errorf(meldwijzer.EUNAUTHORIZED, "sign-in is not set up on this server")
	}
	id, err := s.verifier.Verify(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	if err := id.Authorize(r.PathValue("id"), roles...); err != nil {
		return nil, err
	}
	return r.WithContext(context.WithValue(r.Context(), identityKey{}, id)), nil
}

// audit records a staff member's action on reports. It is written before the data leaves, so
// that nothing is read without a trace; a failed write fails the request.
func (s *Server) audit(r *http.Request, action, reportID, detail string) error {
	id := identity(r)
	return s.auditLog.AppendAudit(r.Context(), meldwijzer.AuditEntry{
		Institution: id.Institution, At: s.now().UTC().Truncate(time.Millisecond),
		Actor: id.Subject, Role: id.Role, Action: action, ReportID: reportID, Detail: detail,
	})
}

// caseView is a report as its handler sees it.
type caseView struct {
	ID             string     `json:"id"`
	Status         string     `json:"status"`
	Audience       string     `json:"audience"`
	Lang           string     `json:"lang"`
	Theme          string     `json:"theme"`
	Where          string     `json:"where"`
	Grounds        []string   `json:"grounds"`
	When           string     `json:"when,omitempty"`
	Description    string     `json:"description,omitempty"`
	FollowUp       bool       `json:"followUp"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	AcknowledgeBy  time.Time  `json:"acknowledgeBy"`
	FeedbackBy     time.Time  `json:"feedbackBy"`
	AcknowledgedAt *time.Time `json:"acknowledgedAt"`
	ClosedAt       *time.Time `json:"closedAt"`
	ExpiresAt      *time.Time `json:"expiresAt"`
	// Overdue names the deadlines passed: "acknowledge" (7 days) and "feedback" (3 months).
	Overdue  []string `json:"overdue"`
	Messages int      `json:"messageCount"`
	// AwaitingAnswer is true when the reporter wrote last (or wrote and nobody answered yet).
	AwaitingAnswer bool `json:"awaitingAnswer"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) caseOf(r *meldwijzer.Report, withText bool) caseView {
	now := s.now()
	v := caseView{
		ID: r.ID, Status: r.Status, Audience: r.Audience, Lang: r.Lang, Theme: r.Theme, Where: r.Where,
		Grounds: r.Grounds, When: r.When, FollowUp: r.FollowUp,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, AcknowledgeBy: r.AcknowledgeBy, FeedbackBy: r.FeedbackBy,
		AcknowledgedAt: optTime(r.AcknowledgedAt), ClosedAt: optTime(r.ClosedAt), ExpiresAt: optTime(r.ExpiresAt),
		Overdue: r.Overdue(now), Messages: len(r.Messages), AwaitingAnswer: r.AwaitingAnswer(),
	}
	if v.Grounds == nil {
		v.Grounds = []string{}
	}
	if withText {
		v.Description = r.Description
	}
	return v
}

// listReports is the handler's inbox: newest first, by status, a page at a time.
func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && status != "open" && !contains(meldwijzer.Statuses, status) {
		return meldwijzer.Errorf(meldwijzer.EINVALID, "status must be open, received, in_progress or closed")
	}
	limit := 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return meldwijzer.Errorf(meldwijzer.EINVALID, "limit must be a number from 1 to 200")
		}
		limit = n
	}
	if err := s.audit(r, meldwijzer.AuditList, "", status); err != nil {
		return err
	}
	var (
		reports []*meldwijzer.Report
		next    string
		err     error
	)
	if status == "open" {
		reports, err = s.openReports(r.Context(), r.PathValue("id"))
	} else {
		reports, next, err = s.store.Reports(r.Context(), meldwijzer.ReportFilter{
			Institution: r.PathValue("id"), Status: status, Cursor: q.Get("cursor"), Limit: limit})
	}
	if err != nil {
		return err
	}
	out := struct {
		Reports []caseView `json:"reports"`
		Cursor  string     `json:"cursor,omitempty"`
	}{Reports: []caseView{}, Cursor: next}
	for _, rep := range reports {
		out.Reports = append(out.Reports, s.caseOf(rep, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// openReports returns every report that is not closed, newest first.
func (s *Server) openReports(ctx context.Context, institution string) ([]*meldwijzer.Report, error) {
	var all []*meldwijzer.Report
	for _, status := range []string{meldwijzer.StatusReceived, meldwijzer.StatusInProgress} {
		for cursor := ""; ; {
			page, next, err := s.store.Reports(ctx, meldwijzer.ReportFilter{Institution: institution, Status: status, Cursor: cursor, Limit: 200})
			if err != nil {
				return nil, err
			}
			all = append(all, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
	}
	sortNewestFirst(all)
	return all, nil
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.store.Report(r.Context(), r.PathValue("id"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	if err := s.audit(r, meldwijzer.AuditRead, rep.ID, ""); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": s.caseOf(rep, true), "messages": messageViews(rep.Messages)})
	return nil
}

func (s *Server) replyToReport(w http.ResponseWriter, r *http.Request) error {
	var body textBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := meldpunt.CheckMessage(body.Text); err != nil {
		return err // a request that fails changes nothing, not even the audit log
	}
	inst, id := r.PathValue("id"), r.PathValue("reportId")
	if _, err := s.store.Report(r.Context(), inst, id); err != nil {
		return err
	}
	if err := s.audit(r, meldwijzer.AuditReply, id, ""); err != nil {
		return err
	}
	m, err := s.meldpunt.InstitutionMessage(r.Context(), inst, id, body.Text)
	if err != nil {
		return err
	}
	// The answer carries the report as it is now (deadlines, messages), so that the inbox need
	// not read it again.
	rep, err := s.store.Report(r.Context(), inst, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"message": messageView(*m), "report": s.caseOf(rep, true), "messages": messageViews(rep.Messages)})
	return nil
}

func (s *Server) setReportStatus(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Status string `json:"status"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	inst, id := r.PathValue("id"), r.PathValue("reportId")
	if !contains(meldwijzer.Statuses, body.Status) {
		return meldwijzer.Errorf(meldwijzer.EINVALID, "status must be received, in_progress or closed")
	}
	if _, err := s.store.Report(r.Context(), inst, id); err != nil {
		return err
	}
	if err := s.audit(r, meldwijzer.AuditStatus, id, body.Status); err != nil {
		return err
	}
	rep, err := s.meldpunt.SetStatus(r.Context(), inst, id, body.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": s.caseOf(rep, true), "messages": messageViews(rep.Messages)})
	return nil
}

// auditLogView lets the institution see who read and changed its reports.
func (s *Server) auditLogView(w http.ResponseWriter, r *http.Request) error {
	entries, next, err := s.auditLog.Audit(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"), 100)
	if err != nil {
		return err
	}
	type entry struct {
		At       time.Time `json:"at"`
		Actor    string    `json:"actor"`
		Role     string    `json:"role"`
		Action   string    `json:"action"`
		ReportID string    `json:"reportId,omitempty"`
		Detail   string    `json:"detail,omitempty"`
	}
	out := struct {
		Entries []entry `json:"entries"`
		Cursor  string  `json:"cursor,omitempty"`
	}{Entries: []entry{}, Cursor: next}
	for _, e := range entries {
		out.Entries = append(out.Entries, entry{e.At, e.Actor, e.Role, e.Action, e.ReportID, e.Detail})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
