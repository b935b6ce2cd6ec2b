package api

import (
	"net/http"
	"slices"

	"meldwijzer"
	"meldwijzer/content"
)

// label is one id with its label (and description, for themes) in the asked language.
type label struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

func labels(terms []content.Term, lang string) []label {
	out := make([]label, 0, len(terms))
	for _, t := range terms {
		l := label{ID: t.ID, Label: t.Label.In(lang)}
		if t.Description != nil {
			l.Description = t.Description.In(lang)
		}
		out = append(out, l)
	}
	return out
}

// taxonomy serves the labels of every id the pages show, from content/, so that the pages keep
// no copies of their own (GET /api/v1/taxonomy?lang=).
func (s *Server) taxonomy(w http.ResponseWriter, r *http.Request) error {
	l := lang(r, r.URL.Query().Get("lang"))
	if !slices.Contains(meldwijzer.Languages, l) {
		return meldwijzer.Errorf(meldwijzer.ELANG, "lang must be nl or en, not %q", l)
	}
	t := s.content.Taxonomy
	writeJSON(w, http.StatusOK, map[string]any{
		"lang":      l,
		"themes":    labels(t.Themes, l),
		"where":     labels(t.Where, l),
		"grounds":   labels(t.Grounds, l),
		"audiences": labels(t.Audiences, l),
		"involved":  labels(t.Involved, l),
		"urgent":    labels(t.Urgent, l),
		"statuses":  labels(t.Statuses, l),
		"whens":     labels(t.Whens, l),
		// What staff tick when they register an incident.
		"incidentInvolved":   labels(t.IncidentInvolved, l),
		"incidentCategories": labels(t.IncidentCategories, l),
		"incidentActions":    labels(t.IncidentActions, l),
		"incidentFollowUps":  labels(t.IncidentFollowUps, l),
	})
	return nil
}
