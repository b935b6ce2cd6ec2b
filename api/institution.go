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
	all, err := s.catalog.Institutions()
	if err != nil {
		return err
	}
	list := make([]institutionSummary, 0, len(all))
	for _, inst := range all {
		list = append(list, institutionSummary{ID: inst.ID, Name: inst.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"institutions": list})
	return nil
}

func (s *Server) getInstitution(w http.ResponseWriter, r *http.Request) error {
	l := lang(r, r.URL.Query().Get("lang"))
	if !slices.Contains(meldwijzer.Languages, l) {
		return meldwijzer.Errorf(meldwijzer.ELANG, "lang must be nl or en, not %q", l)
	}
	inst, err := s.catalog.Institution(r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ID       string            `json:"id"`
		Name     string            `json:"name"`
		Contacts []wegwijzer.Route `json:"contacts"`
	}{inst.ID, inst.Name, s.guide.ContactsOf(inst, l)})
	return nil
}

// knownInstitution is nil for an institution this server serves, else the 404 for any other id
// (or the store's error when it cannot say).
func (s *Server) knownInstitution(id string) error {
	_, err := s.catalog.Institution(id)
	return err
}
