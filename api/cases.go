package api

import (
	"context"
	"maps"
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
	if inst := r.PathValue("id"); inst != "" {
		if err := s.knownInstitution(inst); err != nil {
			return nil, err
		}
	}
	return r.WithContext(context.WithValue(r.Context(), identityKey{}, id)), nil
}

// staff is the verified staff member of the request, as the meldpunt service knows them.
func staff(r *http.Request) meldpunt.Staff {
	id := identity(r)
	return meldpunt.Staff{Institution: id.Institution, Subject: id.Subject, Role: id.Role, Roles: id.Roles}
}

// caseView is a report as its handler sees it.
type caseView struct {
	ID             string   `json:"id"`
	Status         string   `json:"status"`
	Audience       string   `json:"audience"`
	Lang           string   `json:"lang"`
	Theme          string   `json:"theme"`
	Where          string   `json:"where"`
	Grounds        []string `json:"grounds"`
	When           string   `json:"when,omitempty"`
	Description    string   `json:"description,omitempty"`
	FollowUp       bool     `json:"followUp"`
	CreatedAt      day      `json:"createdAt"`
	UpdatedAt      day      `json:"updatedAt"`
	AcknowledgeBy  day      `json:"acknowledgeBy"`
	FeedbackBy     day      `json:"feedbackBy"`
	AcknowledgedAt *day     `json:"acknowledgedAt"`
	ClosedAt       *day     `json:"closedAt"`
	ExpiresAt      *day     `json:"expiresAt"`
	// Overdue names the deadlines passed: "acknowledge" (7 days) and "feedback" (3 months).
	Overdue  []string `json:"overdue"`
	Messages int      `json:"messageCount"`
	// AwaitingAnswer is true when the reporter wrote last (or wrote and nobody answered yet).
	AwaitingAnswer bool `json:"awaitingAnswer"`
	// WaitingOn is who the open case waits on: "institution" (the reporter wrote last, or
	// nobody answered yet) or "reporter" (the institution answered last); null when closed.
	WaitingOn *string `json:"waitingOn"`
	// Assignee is the handler who has the case (null: nobody); NextDeadline the deadline it
	// waits on first (null when closed); NoteCount its internal notes.
	Assignee     *string `json:"assignee"`
	NextDeadline *day    `json:"nextDeadline"`
	NoteCount    int     `json:"noteCount"`
}

func (s *Server) caseOf(r *meldwijzer.Report, withText bool) caseView {
	now := s.now()
	v := caseView{
		ID: r.ID, Status: r.Status, Audience: r.Audience, Lang: r.Lang, Theme: r.Theme, Where: r.Where,
		Grounds: r.Grounds, When: r.When, FollowUp: r.FollowUp,
		CreatedAt: day(r.CreatedAt), UpdatedAt: day(r.UpdatedAt), AcknowledgeBy: day(r.AcknowledgeBy), FeedbackBy: day(r.FeedbackBy),
		AcknowledgedAt: optDay(r.AcknowledgedAt), ClosedAt: optDay(r.ClosedAt), ExpiresAt: optDay(r.ExpiresAt),
		Overdue: r.Overdue(now), Messages: len(r.Messages), AwaitingAnswer: r.AwaitingAnswer(),
	}
	if v.Grounds == nil {
		v.Grounds = []string{}
	}
	if w := r.WaitingOn(); w != "" {
		v.WaitingOn = &w
	}
	if r.Assignee != "" {
		v.Assignee = &r.Assignee
	}
	if by, ok := r.NextDeadline(); ok {
		v.NextDeadline = optDay(by)
	}
	v.NoteCount = len(r.Notes)
	if withText {
		v.Description = r.Description
	}
	return v
}

// listReports is the handler's inbox: newest first, by status, a page at a time.
func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	query := meldpunt.InboxQuery{Status: q.Get("status"), Cursor: q.Get("cursor"), Sort: q.Get("sort")}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		query.Overdue = true
	default:
		return meldwijzer.Errorf(meldwijzer.EINVALID, "overdue must be true or false")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return meldwijzer.Errorf(meldwijzer.EINVALID, "limit must be a number from 1 to %d", meldpunt.MaxInboxLimit)
		}
		query.Limit = n
	}
	reports, next, err := s.meldpunt.Inbox(r.Context(), staff(r), query)
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

// writeCase answers with a report as its handler sees it, with its messages.
func (s *Server) writeCase(w http.ResponseWriter, status int, rep *meldwijzer.Report, extra map[string]any) {
	out := map[string]any{"report": s.caseOf(rep, true), "messages": messageViews(rep.Messages), "notes": noteViews(rep.Notes)}
	maps.Copy(out, extra)
	writeJSON(w, status, out)
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.meldpunt.Case(r.Context(), staff(r), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	s.writeCase(w, http.StatusOK, rep, nil)
	return nil
}

// replyToReport answers with the message and the report as it is now (deadlines, messages), so
// that the inbox need not read it again.
func (s *Server) replyToReport(w http.ResponseWriter, r *http.Request) error {
	var body textBody
	if err := decode(r, &body); err != nil {
		return err
	}
	m, rep, err := s.meldpunt.Reply(r.Context(), staff(r), r.PathValue("reportId"), body.Text)
	if err != nil {
		return err
	}
	s.writeCase(w, http.StatusCreated, rep, map[string]any{"message": messageViewOf(*m)})
	return nil
}

// auditLogView lets the institution see who read and changed its reports.
func (s *Server) auditLogView(w http.ResponseWriter, r *http.Request) error {
	entries, next, err := s.meldpunt.AuditLog(r.Context(), staff(r), r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	type entry struct {
		At       string `json:"at"`
		Actor    string `json:"actor"`
		Role     string `json:"role"`
		Action   string `json:"action"`
		ReportID string `json:"reportId,omitempty"`
		Detail   string `json:"detail,omitempty"`
	}
	out := struct {
		Entries []entry `json:"entries"`
		Cursor  string  `json:"cursor,omitempty"`
	}{Entries: []entry{}, Cursor: next}
	// A viewer sees who did what on which day, never which report or at what time: a report id
	// would tell which entries belong to one report, and the first read of it closely follows
	// its arrival.
	viewer := !identity(r).Has(auth.RoleHandler)
	for _, e := range entries {
		at := e.At.UTC().Format(time.RFC3339Nano)
		if viewer {
			e.ReportID, at = "", e.At.UTC().Format(DayLayout)
		}
		out.Entries = append(out.Entries, entry{at, e.Actor, e.Role, e.Action, e.ReportID, e.Detail})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
