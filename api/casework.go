package api

import (
	"net/http"

	"meldwijzer"
)

// Case work: internal notes and the PATCH that sets a case's status and assignee.

// noteView is an internal note as its handlers see it. Notes are only ever written by
// writeCase, which serves handlers alone: never the reporter's view, never a viewer.
type noteView struct {
	Author string `json:"author"`
	Text   string `json:"text"`
	At     day    `json:"at"`
}

func noteViews(ns []meldwijzer.Note) []noteView {
	out := make([]noteView, 0, len(ns))
	for _, n := range ns {
		out = append(out, noteView{n.Author, n.Text, day(n.At)})
	}
	return out
}

// addNote adds a handler's internal note and answers with it and the report as it is now.
func (s *Server) addNote(w http.ResponseWriter, r *http.Request) error {
	var body textBody
	if err := decode(r, &body); err != nil {
		return err
	}
	n, rep, err := s.meldpunt.AddNote(r.Context(), staff(r), r.PathValue("reportId"), body.Text)
	if err != nil {
		return err
	}
	s.writeCase(w, http.StatusCreated, rep, map[string]any{"note": noteViews([]meldwijzer.Note{*n})[0]})
	return nil
}

// patchReport changes a case's status, its assignee, or both (status first); both are checked
// before either is written.
func (s *Server) patchReport(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Status   *string `json:"status"`
		Assignee *string `json:"assignee"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	switch {
	case body.Status == nil && body.Assignee == nil:
		return meldwijzer.Errorf(meldwijzer.EINVALID, "give a status, an assignee, or both")
	case body.Status != nil && meldwijzer.CheckStatus(*body.Status) != nil:
		return meldwijzer.ErrBadStatus
	case body.Assignee != nil && meldwijzer.CheckAssignee(*body.Assignee) != nil:
		return meldwijzer.ErrBadAssignee
	}
	var (
		rep *meldwijzer.Report
		err error
	)
	id, who := r.PathValue("reportId"), staff(r)
	if body.Status != nil {
		if rep, err = s.meldpunt.SetStatus(r.Context(), who, id, *body.Status); err != nil {
			return err
		}
	}
	if body.Assignee != nil {
		if rep, err = s.meldpunt.Assign(r.Context(), who, id, *body.Assignee); err != nil {
			return err
		}
	}
	s.writeCase(w, http.StatusOK, rep, nil)
	return nil
}
