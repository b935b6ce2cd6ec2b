package api

import (
	"net/http"

	"meldwijzer"
	"meldwijzer/catalog"
)

// settingsView is the institution's record as its admin sees and edits it.
type settingsView struct {
	ID            string               `json:"id"`
	Name          string               `json:"name"`
	Demo          bool                 `json:"demo,omitempty"`
	Domains       []string             `json:"domains"`
	MeldpuntEmail string               `json:"meldpuntEmail,omitempty"`
	Region        string               `json:"region,omitempty"`
	Sector        bool                 `json:"sector"`
	Contacts      []meldwijzer.Contact `json:"contacts"`
	// Updated is a day: when the record last changed (times staff see are days).
	Updated string `json:"updated,omitempty"`
}

func newSettingsView(inst *meldwijzer.Institution) settingsView {
	v := settingsView{ID: inst.ID, Name: inst.Name, Demo: inst.Demo, Domains: inst.Domains,
		MeldpuntEmail: inst.MeldpuntEmail, Region: inst.Region, Sector: inst.Sector, Contacts: inst.Contacts}
	if v.Domains == nil {
		v.Domains = []string{}
	}
	if v.Contacts == nil {
		v.Contacts = []meldwijzer.Contact{}
	}
	if !inst.Updated.IsZero() {
		v.Updated = inst.Updated.UTC().Format("2006-01-02")
	}
	return v
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	if s.settings == nil {
		return errNoSettings
	}
	inst, err := s.settings.Institution(r.Context(), identity(r).Institution)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newSettingsView(inst))
	return nil
}

func (s *Server) putContacts(w http.ResponseWriter, r *http.Request) error {
	if s.settings == nil {
		return errNoSettings
	}
	var body struct {
		Contacts *[]meldwijzer.Contact `json:"contacts"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Contacts == nil {
		return meldwijzer.Errorf(meldwijzer.EINVALID, "contacts is required: the whole list of the institution's contacts")
	}
	id := identity(r)
	inst, err := s.settings.SetContacts(r.Context(), catalog.Admin{Institution: id.Institution, Subject: id.Subject}, *body.Contacts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newSettingsView(inst))
	return nil
}

var errNoSettings = meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "institution settings are not set up on this server")
