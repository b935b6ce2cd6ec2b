// Package cognito is the members directory on the Cognito user pool: accounts are the pool's
// users, granted roles are its groups (one per role, infra/staff.go). It reads and changes only
// the accounts that sign in at the institution asked about (signin.Belongs); the IAM policy
// cannot express that (it grants per pool), so this package is where it holds.
package cognito

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/signin"
)

// API is the part of the Cognito user pools API the directory calls (cip.Client has it).
type API interface {
	ListUsers(ctx context.Context, in *cip.ListUsersInput, opts ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	ListUsersInGroup(ctx context.Context, in *cip.ListUsersInGroupInput, opts ...func(*cip.Options)) (*cip.ListUsersInGroupOutput, error)
	AdminListGroupsForUser(ctx context.Context, in *cip.AdminListGroupsForUserInput, opts ...func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error)
	AdminAddUserToGroup(ctx context.Context, in *cip.AdminAddUserToGroupInput, opts ...func(*cip.Options)) (*cip.AdminAddUserToGroupOutput, error)
	AdminRemoveUserFromGroup(ctx context.Context, in *cip.AdminRemoveUserFromGroupInput, opts ...func(*cip.Options)) (*cip.AdminRemoveUserFromGroupOutput, error)
}

// Directory is the members directory of one user pool.
type Directory struct {
	api  API
	pool string
	// provider is the SURFconext identity provider's name in the pool.
	provider string
}

// New returns the directory of the pool.
func New(api API, poolID string) *Directory {
	return &Directory{api: api, pool: poolID, provider: signin.ProviderName}
}

// page is the largest page ListUsers allows (60).
const page = 60

// schoolRoles are the groups a school's admin grants: every role but sector.
func schoolRoles() []string {
	var out []string
	for _, r := range auth.Roles {
		if signin.SchoolRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// Members lists the pool's users that sign in at inst, with the school roles they hold. The pool
// is read whole (ListUsers cannot filter on custom attributes); a pool holds the staff of the
// schools, a few hundred accounts.
func (d *Directory) Members(ctx context.Context, inst *meldwijzer.Institution) ([]meldwijzer.Member, error) {
	var members []meldwijzer.Member
	byName := map[string]int{}
	in := &cip.ListUsersInput{UserPoolId: &d.pool, Limit: aws.Int32(page)}
	for {
		out, err := d.api.ListUsers(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("cognito: list users: %w", err)
		}
		for _, u := range out.Users {
			if m, ok := d.member(u, inst); ok {
				byName[m.Username] = len(members)
				members = append(members, m)
			}
		}
		if out.PaginationToken == nil || *out.PaginationToken == "" {
			break
		}
		in.PaginationToken = out.PaginationToken
	}
	for _, role := range schoolRoles() {
		in := &cip.ListUsersInGroupInput{UserPoolId: &d.pool, GroupName: aws.String(role), Limit: aws.Int32(page)}
		for {
			out, err := d.api.ListUsersInGroup(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("cognito: list group %s: %w", role, err)
			}
			for _, u := range out.Users {
				// Only the institution's own accounts: a group holds every school's.
				if i, ok := byName[aws.ToString(u.Username)]; ok {
					members[i].Roles = append(members[i].Roles, role)
				}
			}
			if out.NextToken == nil || *out.NextToken == "" {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	for i := range members {
		members[i].Roles = ordered(members[i].Roles)
	}
	return members, nil
}

// subjectPattern is a Cognito sub (a UUID); anything else cannot be one, and is never put in a
// ListUsers filter.
var subjectPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var errNoMember = meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no account of this institution has that subject")

// Member returns the user with the subject if it signs in at inst, with all its groups that are
// roles (a sector group too, so that SetRoles leaves it alone).
func (d *Directory) Member(ctx context.Context, inst *meldwijzer.Institution, subject string) (*meldwijzer.Member, error) {
	if !subjectPattern.MatchString(subject) {
		return nil, errNoMember
	}
	out, err := d.api.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &d.pool, Filter: aws.String(`sub = "` + subject + `"`), Limit: aws.Int32(2)})
	if err != nil {
		return nil, fmt.Errorf("cognito: find user: %w", err)
	}
	if len(out.Users) != 1 {
		return nil, errNoMember
	}
	u := out.Users[0]
	m, ok := d.member(u, inst)
	if !ok || m.Subject != subject {
		return nil, errNoMember
	}
	in := &cip.AdminListGroupsForUserInput{UserPoolId: &d.pool, Username: u.Username, Limit: aws.Int32(page)}
	for {
		gs, err := d.api.AdminListGroupsForUser(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("cognito: list groups of user: %w", err)
		}
		for _, g := range gs.Groups {
			if name := aws.ToString(g.GroupName); slices.Contains(auth.Roles, name) {
				m.Roles = append(m.Roles, name)
			}
		}
		if gs.NextToken == nil || *gs.NextToken == "" {
			break
		}
		in.NextToken = gs.NextToken
	}
	m.Roles = ordered(m.Roles)
	return &m, nil
}

// AddRole puts the user in the role's group.
func (d *Directory) AddRole(ctx context.Context, m *meldwijzer.Member, role string) error {
	if !signin.SchoolRole(role) {
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "a school cannot grant the role %q", role)
	}
	_, err := d.api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &d.pool, Username: &m.Username, GroupName: aws.String(role)})
	if err != nil {
		return fmt.Errorf("cognito: add to group: %w", err)
	}
	return nil
}

// RemoveRole takes the user out of the role's group.
func (d *Directory) RemoveRole(ctx context.Context, m *meldwijzer.Member, role string) error {
	if !signin.SchoolRole(role) {
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "a school cannot withdraw the role %q", role)
	}
	_, err := d.api.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &d.pool, Username: &m.Username, GroupName: aws.String(role)})
	if err != nil {
		return fmt.Errorf("cognito: remove from group: %w", err)
	}
	return nil
}

// member makes the Member of a pool user if it signs in at inst.
func (d *Directory) member(u types.UserType, inst *meldwijzer.Institution) (meldwijzer.Member, bool) {
	attrs := map[string]string{}
	for _, a := range u.Attributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	// The trigger sees the status as the attribute cognito:user_status; the API as a field.
	attrs["cognito:user_status"] = string(u.UserStatus)
	if !signin.Belongs(attrs, d.provider, inst) {
		return meldwijzer.Member{}, false
	}
	m := meldwijzer.Member{Subject: attrs["sub"], Username: aws.ToString(u.Username), Email: attrs["email"], Name: attrs["name"],
		Principal: attrs["preferred_username"], Federated: signin.Federated(attrs, d.provider), Enabled: u.Enabled}
	if m.Federated {
		m.ProviderGroups = signin.ParseMultiValue(attrs[signin.AttrGroups])
	}
	return m, true
}

// ordered keeps the roles in the verifier's order, once each.
func ordered(roles []string) []string {
	out := []string{}
	for _, r := range auth.Roles {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	return out
}
