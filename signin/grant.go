// Package signin decides, at each Cognito sign-in, which institution and roles a staff member's
// token carries: the pre-token-generation trigger (functions/pretoken).
//
// The institution comes from one of two places:
//   - an account an operator made (admin-create-user) carries the immutable attribute
//     custom:institution;
//   - a SURFconext account carries its school's domain (SURFconext's schacHomeOrganization,
//     mapped to custom:schac_home at every sign-in), which an institution registered
//     (Institution.Domains, looked up with InstitutionByDomain).
//
// The roles are the union of the user pool's groups that are roles (granted by the school's admin
// or the operator: AdminAddUserToGroup) and the school's own groups from SURFconext
// (eduPersonEntitlement or isMemberOf, mapped to custom:groups) that the institution mapped to a
// role (Institution.Groups). Nobody has a role by default.
//
// No mapping means no access, and the sign-in still succeeds: the token then carries no
// institution and no role (or an institution and no role), which the API refuses with 401. A
// new colleague can so sign in once, and their school's admin then sees them in the members list
// and grants a role. Only when the institutions cannot be read does the trigger fail the sign-in
// (fail closed: never a token that was not checked).
package signin

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"meldwijzer"
	"meldwijzer/auth"
)

// Cognito user attributes the trigger reads. The custom ones are made by the stack
// (infra/staff.go); custom:schac_home and custom:groups are written by SURFconext's attribute
// mapping at every sign-in, so the school's directory stays the source of truth.
const (
	AttrInstitution = "custom:institution"
	AttrHomeOrg     = "custom:schac_home"
	AttrGroups      = "custom:groups"
	attrStatus      = "cognito:user_status"
	attrIdentities  = "identities"
	// statusFederated is cognito:user_status for a user who signed in through an identity provider.
	statusFederated = "EXTERNAL_PROVIDER"
)

// ProviderName is the SURFconext identity provider's name in the user pool (infra/staff.go).
const ProviderName = "SURFconext"

// Lookup finds the institution that registered a sign-in domain (meldwijzer.InstitutionStore
// has it); ENOTFOUND when none did.
type Lookup interface {
	InstitutionByDomain(ctx context.Context, domain string) (*meldwijzer.Institution, error)
}

// Grant is what a token carries: empty Institution and no Roles is no access.
type Grant struct {
	Institution string
	Roles       []string
	// Reason says why access is missing ("" when granted), for the log; never personal data.
	Reason string
}

// user is what Cognito tells the trigger about the person signing in.
type user struct {
	attrs  map[string]string
	groups []string // the user pool groups (groupConfiguration.groupsToOverride)
}

// grant decides the institution and roles of u.
func grant(ctx context.Context, lookup Lookup, provider string, u user) (Grant, error) {
	var (
		inst   *meldwijzer.Institution
		instID = u.attrs[AttrInstitution]
	)
	// Only an account that came from SURFconext is mapped by its domain and groups: an account
	// made in the pool could otherwise write custom:schac_home itself (the app client must be
	// allowed to write mapped attributes) and pick a school.
	if fromProvider(u.attrs, provider) {
		domain := strings.ToLower(strings.TrimSpace(u.attrs[AttrHomeOrg]))
		if domain == "" {
			return Grant{Reason: "no schac_home_organization from the identity provider"}, nil
		}
		found, err := lookup.InstitutionByDomain(ctx, domain)
		switch {
		case meldwijzer.ErrorCode(err) == meldwijzer.ENOTFOUND:
			return Grant{Reason: "no institution registered the domain"}, nil
		case err != nil:
			return Grant{}, err
		case found.Demo:
			return Grant{Reason: "the domain belongs to a demo institution"}, nil
		}
		if instID != "" && instID != found.ID {
			return Grant{Reason: "custom:institution and the domain point to different institutions"}, nil
		}
		inst, instID = found, found.ID
	}

	// The sector role has no institution: only the operator grants it (the pool's group), and
	// only to an account without one.
	if instID == "" {
		if slices.Contains(u.groups, auth.RoleSector) {
			return Grant{Roles: []string{auth.RoleSector}}, nil
		}
		return Grant{Reason: "no institution"}, nil
	}
	var granted []string
	for _, g := range u.groups {
		if SchoolRole(g) {
			granted = append(granted, g)
		}
	}
	if inst != nil {
		granted = append(granted, ProviderRoles(u.attrs, inst)...)
	}
	g := Grant{Institution: instID}
	for _, r := range auth.Roles { // the most trusted first, as the verifier orders them
		if slices.Contains(granted, r) {
			g.Roles = append(g.Roles, r)
		}
	}
	if len(g.Roles) == 0 {
		g.Reason = "no role"
	}
	return g, nil
}

// ProviderRoles are the roles the school's own groups (custom:groups) give in inst.
func ProviderRoles(attrs map[string]string, inst *meldwijzer.Institution) []string {
	return GroupRoles(ParseMultiValue(attrs[AttrGroups]), inst)
}

// GroupRoles are the roles inst maps the school's groups to (never sector).
func GroupRoles(groups []string, inst *meldwijzer.Institution) []string {
	var roles []string
	for _, g := range groups {
		if r, ok := inst.Groups[g]; ok && SchoolRole(r) && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// Belongs reports whether the account with these attributes signs in at inst, by the same rule
// the trigger applies: a SURFconext account by its domain (and a custom:institution, if any,
// that agrees), any other account by its custom:institution. The members routes use it so that
// a school's admin never sees or changes another school's accounts.
func Belongs(attrs map[string]string, provider string, inst *meldwijzer.Institution) bool {
	if inst.Demo {
		return false
	}
	if fromProvider(attrs, provider) {
		domain := strings.ToLower(strings.TrimSpace(attrs[AttrHomeOrg]))
		own := attrs[AttrInstitution]
		return domain != "" && slices.Contains(inst.Domains, domain) && (own == "" || own == inst.ID)
	}
	return attrs[AttrInstitution] == inst.ID
}

// Federated reports whether the account came from the identity provider.
func Federated(attrs map[string]string, provider string) bool { return fromProvider(attrs, provider) }

// SchoolRole reports whether a school may grant the role: every role but sector.
func SchoolRole(r string) bool {
	return r != auth.RoleSector && slices.Contains(auth.Roles, r)
}

// fromProvider reports whether the user signed in through the named identity provider: Cognito
// marks such users EXTERNAL_PROVIDER and lists the provider in the identities attribute (JSON).
func fromProvider(attrs map[string]string, provider string) bool {
	if attrs[attrStatus] != statusFederated {
		return false
	}
	var ids []struct {
		ProviderName string `json:"providerName"`
	}
	if err := json.Unmarshal([]byte(attrs[attrIdentities]), &ids); err != nil {
		return false
	}
	return slices.ContainsFunc(ids, func(i struct {
		ProviderName string `json:"providerName"`
	}) bool {
		return i.ProviderName == provider
	})
}

// ParseMultiValue splits a multi-valued attribute as Cognito stores it in one string: a JSON
// array (an OIDC claim that is a list), Cognito's "[a, b]" for a SAML attribute with several
// values, or a single value.
func ParseMultiValue(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err == nil {
		return list
	}
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		v = v[1 : len(v)-1]
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var errNoLookup = errors.New("signin: no institution lookup")
