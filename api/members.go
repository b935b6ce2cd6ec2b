package api

import (
	"net/http"

	"meldwijzer"
	"meldwijzer/members"
)

// memberView is an account as its school's admin sees it.
type memberView struct {
	Subject   string `json:"subject"`
	Email     string `json:"email,omitempty"`
	Name      string `json:"name,omitempty"`
	Principal string `json:"principal,omitempty"`
	// Source is "surfconext" or "account" (made by the operator).
	Source  string `json:"source"`
	Enabled bool   `json:"enabled"`
	// Roles are granted here; ProviderRoles come from the school's own groups.
	Roles         []string `json:"roles"`
	ProviderRoles []string `json:"providerRoles"`
}

func toMemberView(v members.View) memberView {
	source := "account"
	if v.Federated {
		source = "surfconext"
	}
	return memberView{Subject: v.Subject, Email: v.Email, Name: v.Name, Principal: v.Principal, Source: source,
		Enabled: v.Enabled, Roles: v.Roles, ProviderRoles: v.ProviderRoles}
}

// errRolesAtProvider answers the members routes on a server without a role directory (the local
// binary, self-hosted): there the identity provider's groups are the roles.
var errRolesAtProvider = meldwijzer.Errorf(meldwijzer.ENOTIMPLEMENTED,
	"roles are managed at your identity provider on this server: put staff in the groups that your institution maps to roles")

// admin is the verified admin of the request, as the members service knows them.
func admin(r *http.Request) members.Admin {
	id := identity(r)
	return members.Admin{Institution: id.Institution, Subject: id.Subject, Role: id.Role}
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errRolesAtProvider
	}
	vs, err := s.members.List(r.Context(), admin(r))
	if err != nil {
		return err
	}
	out := make([]memberView, 0, len(vs))
	for _, v := range vs {
		out = append(out, toMemberView(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

func (s *Server) setMemberRoles(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errRolesAtProvider
	}
	var body struct {
		Roles *[]string `json:"roles"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Roles == nil {
		return meldwijzer.Errorf(meldwijzer.EINVALID, `roles is required: a list such as ["handler"], or [] for none`)
	}
	v, err := s.members.SetRoles(r.Context(), admin(r), r.PathValue("subject"), *body.Roles)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"member": toMemberView(*v)})
	return nil
}
