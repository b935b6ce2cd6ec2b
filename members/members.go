// Package members is "who has access": a school's admin sees which accounts sign in at their
// institution with which roles, and grants or withdraws roles. Nobody has a role by default.
//
// The accounts live in a directory (the Cognito user pool on AWS: package members/cognito); the
// directory answers only for the institution's own accounts, by the rule the sign-in trigger
// applies (signin.Belongs), so an admin never sees or changes another school's. A self-hosted
// server has no directory: its roles come from the identity provider's groups, and the routes
// say so (501).
package members

import (
	"context"
	"slices"
	"strings"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/signin"
)

// Directory keeps the accounts and their granted roles.
type Directory interface {
	// Members lists the accounts that sign in at inst.
	Members(ctx context.Context, inst *meldwijzer.Institution) ([]meldwijzer.Member, error)
	// Member returns the account with the subject if it signs in at inst; ENOTFOUND otherwise
	// (also when it belongs to another institution).
	Member(ctx context.Context, inst *meldwijzer.Institution, subject string) (*meldwijzer.Member, error)
	// AddRole and RemoveRole grant and withdraw one role of an account Member returned.
	AddRole(ctx context.Context, m *meldwijzer.Member, role string) error
	RemoveRole(ctx context.Context, m *meldwijzer.Member, role string) error
}

// Institutions reads an institution's record (its domains and group mapping).
type Institutions interface {
	Institution(ctx context.Context, id string) (*meldwijzer.Institution, error)
}

// Service is "who has access".
type Service struct {
	dir   Directory
	insts Institutions
	audit meldwijzer.AuditLog
	now   func() time.Time
}

// New returns the service; now is the clock (time.Now when nil).
func New(dir Directory, insts Institutions, audit meldwijzer.AuditLog, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{dir: dir, insts: insts, audit: audit, now: now}
}

// Admin is who acts: an admin of Institution (the route checked the token).
type Admin struct {
	Institution string
	Subject     string
	Role        string
}

// View is a member as the admin sees it: the roles granted here, and those the school's own
// groups give (changed at the school's identity provider, not here).
type View struct {
	meldwijzer.Member
	ProviderRoles []string
}

// List returns the institution's accounts with their roles, sorted by e-mail address.
func (s *Service) List(ctx context.Context, who Admin) ([]View, error) {
	inst, err := s.insts.Institution(ctx, who.Institution)
	if err != nil {
		return nil, err
	}
	ms, err := s.dir.Members(ctx, inst)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ms))
	for _, m := range ms {
		out = append(out, view(m, inst))
	}
	slices.SortFunc(out, func(a, b View) int {
		return strings.Compare(a.Email+"\x00"+a.Subject, b.Email+"\x00"+b.Subject)
	})
	return out, nil
}

// SetRoles makes roles the account's granted roles: it grants what is missing and withdraws
// the rest, audited before anything changes. Only the roles a school grants are allowed (never
// sector), and an admin cannot withdraw their own admin role (so a school always keeps one).
func (s *Service) SetRoles(ctx context.Context, who Admin, subject string, roles []string) (*View, error) {
	want := []string{}
	for _, r := range roles {
		switch {
		case r == auth.RoleSector:
			return nil, meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "the sector role is granted by the operator, never by a school")
		case !signin.SchoolRole(r):
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "unknown role %q: use handler, admin, viewer or staff", r)
		case !slices.Contains(want, r):
			want = append(want, r)
		}
	}
	if subject == who.Subject && !slices.Contains(want, auth.RoleAdmin) {
		return nil, meldwijzer.Errorf(meldwijzer.ECONFLICT, "you cannot withdraw your own admin role: ask another admin of your school")
	}
	inst, err := s.insts.Institution(ctx, who.Institution)
	if err != nil {
		return nil, err
	}
	m, err := s.dir.Member(ctx, inst, subject)
	if err != nil {
		return nil, err
	}
	var add, remove []string
	for _, r := range want {
		if !slices.Contains(m.Roles, r) {
			add = append(add, r)
		}
	}
	for _, r := range m.Roles {
		if signin.SchoolRole(r) && !slices.Contains(want, r) {
			remove = append(remove, r)
		}
	}
	if len(add)+len(remove) > 0 {
		if err := s.audit.AppendAudit(ctx, meldwijzer.AuditEntry{Institution: who.Institution, At: s.now().UTC(),
			Actor: who.Subject, Role: who.Role, Action: meldwijzer.AuditRoles, Detail: detail(subject, want)}); err != nil {
			return nil, err
		}
	}
	for _, r := range add {
		if err := s.dir.AddRole(ctx, m, r); err != nil {
			return nil, err
		}
	}
	for _, r := range remove {
		if err := s.dir.RemoveRole(ctx, m, r); err != nil {
			return nil, err
		}
	}
	// The roles it has now, in the verifier's order; a sector group (the operator's) stays.
	var now []string
	for _, r := range auth.Roles {
		if slices.Contains(want, r) || (r == auth.RoleSector && slices.Contains(m.Roles, r)) {
			now = append(now, r)
		}
	}
	m.Roles = now
	v := view(*m, inst)
	return &v, nil
}

// detail is the audit entry's detail: "<subject> handler,viewer" ("-" for no role).
func detail(subject string, roles []string) string {
	if len(roles) == 0 {
		return subject + " -"
	}
	return subject + " " + strings.Join(roles, ",")
}

func view(m meldwijzer.Member, inst *meldwijzer.Institution) View {
	v := View{Member: m}
	if m.Roles == nil {
		v.Roles = []string{}
	}
	if v.ProviderRoles = signin.GroupRoles(m.ProviderGroups, inst); v.ProviderRoles == nil {
		v.ProviderRoles = []string{}
	}
	return v
}
