package api

import (
	"net/http"
	"strconv"

	"meldwijzer"
	"meldwijzer/meldpunt"
)

// incidentView is an incident as the API shows it: days only, and never who registered it.
type incidentView struct {
	ID         string   `json:"id"`
	Day        day      `json:"day"`
	Theme      string   `json:"theme"`
	Where      string   `json:"where"`
	Involved   []string `json:"involved"`
	Grounds    []string `json:"grounds"`
	Categories []string `json:"categories"`
	Serious    bool     `json:"serious"`
	Actions    []string `json:"actions"`
	FollowUp   string   `json:"followUp,omitempty"`
	Note       string   `json:"note,omitempty"`
	Registered day      `json:"registered"`
	ExpiresAt  *day     `json:"expiresAt"`
}

func incidentViewOf(in *meldwijzer.Incident) incidentView {
	list := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	return incidentView{
		ID: in.ID, Day: day(in.Day), Theme: in.Theme, Where: in.Where, Involved: list(in.Involved),
		Grounds: list(in.Grounds), Categories: list(in.Categories), Serious: in.Serious,
		Actions: list(in.Actions), FollowUp: in.FollowUp, Note: in.Note,
		Registered: day(in.Registered), ExpiresAt: optDay(in.ExpiresAt),
	}
}

// createIncident registers an incident (staff, handler). A retry with the same Idempotency-Key
// and body gets the same answer (200) and registers nothing.
func (s *Server) createIncident(w http.ResponseWriter, r *http.Request) error {
	var reg meldpunt.Registration
	if err := decode(r, &reg); err != nil {
		return err
	}
	in, created, err := s.meldpunt.RegisterIncident(r.Context(), staff(r), r.Header.Get("Idempotency-Key"), reg)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"incident": map[string]any{"id": in.ID, "day": day(in.Day)}})
	return nil
}

// listIncidents lists the incidents the caller may see: a handler all of the institution's, a
// staff member their own; ?serious=true the serious ones, without notes, for the Inspectie.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	query := meldpunt.IncidentQuery{Cursor: q.Get("cursor")}
	switch q.Get("serious") {
	case "", "false":
	case "true":
		query.Serious = true
	default:
		return meldwijzer.Errorf(meldwijzer.EINVALID, "serious must be true or false")
	}
	n, err := limitParam(q.Get("limit"), meldwijzer.MaxIncidentsPage)
	if err != nil {
		return err
	}
	query.Limit = n
	page, next, err := s.meldpunt.Incidents(r.Context(), staff(r), query)
	if err != nil {
		return err
	}
	out := struct {
		Institution string         `json:"institution"`
		Incidents   []incidentView `json:"incidents"`
		Cursor      string         `json:"cursor,omitempty"`
	}{Institution: r.PathValue("id"), Incidents: []incidentView{}, Cursor: next}
	for _, in := range page {
		out.Incidents = append(out.Incidents, incidentViewOf(in))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// limitParam reads a listing's limit: absent (0, the default) or a number from 1 to max.
func limitParam(v string, max int) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, meldwijzer.Errorf(meldwijzer.EINVALID, "limit must be a number from 1 to %d", max)
	}
	return n, nil
}
