package api

import (
	"net/http"
	"slices"

	"meldwijzer"
	"meldwijzer/wegwijzer"
)

type institutionSummary struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Server) listInstitutions(w http.ResponseWriter, r *http.Request) error {
	list := make([]institutionSummary, 0, len(s.content.Institutions))
	for _, inst := range s.content.Institutions {
		if s.institution(inst.ID) != nil {
			list = append(list, institutionSummary{ID: inst.ID, Name: inst.Name})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"institutions": list})
	return nil
}

func (s *Server) getInstitution(w http.ResponseWriter, r *http.Request) error {
	l := lang(r, r.URL.Query().Get("lang"))
	if !slices.Contains(meldwijzer.Languages, l) {
		return meldwijzer.Errorf(meldwijzer.ELANG, "lang must be nl or en, not %q", l)
	}
	id := r.PathValue("id")
	if err := s.knownInstitution(id); err != nil {
		return err
	}
	contacts, err := s.guide.Contacts(id, l)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ID       string            `json:"id"`
		Name     string            `json:"name"`
		Contacts []wegwijzer.Route `json:"contacts"`
	}{id, s.content.Institution(id).Name, contacts})
	return nil
}

// knownInstitution is nil for an institution this server serves, else the 404 for any other id.
func (s *Server) knownInstitution(id string) error {
	if s.institution(id) == nil {
		return meldwijzer.Errorf(meldwijzer.ENOTFOUND, "unknown institution %q", id)
	}
	return nil
}
