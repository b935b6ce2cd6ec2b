package cognito_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/members"
	"meldwijzer/members/cognito"
	"meldwijzer/members/cognito/cognitotest"
	"meldwijzer/store/bolt"
)

var school = &meldwijzer.Institution{ID: "voorbeeldschool", Name: "Voorbeeldschool", Domains: []string{"voorbeeldschool.example"},
	Groups: map[string]string{"urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen": auth.RoleHandler}}

// institutions is the test double for the one store lookup the service makes.
type institutions map[string]*meldwijzer.Institution

func (m institutions) Institution(_ context.Context, id string) (*meldwijzer.Institution, error) {
	if i, ok := m[id]; ok {
		return i, nil
	}
	return nil, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution %q", id)
}

// The directory lists exactly the school's own accounts (a SURFconext account of its domain, an
// operator-made account with its id) with their roles, across pages; never another school's, a
// pool account that wrote the school's domain itself, or the sector's.
func TestMembersAreTheSchoolsOwn(t *testing.T) {
	pool := cognitotest.Start(t)
	dir := cognito.New(pool.Client(), cognitotest.PoolID)
	ms, err := dir.Members(context.Background(), school)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]meldwijzer.Member{}
	for _, m := range ms {
		got[m.Subject] = m
	}
	if len(got) != 2 {
		t.Fatalf("members %+v, want the two of voorbeeldschool", ms)
	}
	fed, own := got[cognitotest.OwnFederated], got[cognitotest.OwnAdmin]
	if !fed.Federated || fed.Principal != "jdevries@voorbeeldschool.example" || !slices.Equal(fed.Roles, []string{auth.RoleHandler}) ||
		!slices.Contains(fed.ProviderGroups, "urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen") {
		t.Errorf("the SURFconext member: %+v", fed)
	}
	if own.Federated || own.Email != "beheer@voorbeeldschool.example" || !slices.Equal(own.Roles, []string{auth.RoleAdmin}) {
		t.Errorf("the operator-made member: %+v", own)
	}
	if n := slices.Index(pool.Ops(), "ListUsersInGroup"); n != 2 {
		t.Errorf("ops %v: want two pages of ListUsers first", pool.Ops())
	}
	if slices.Contains(pool.Ops(), "ListUsersInGroup") && len(pool.Changes()) != 0 {
		t.Errorf("listing changed the pool: %v", pool.Changes())
	}
}

func service(t *testing.T, pool *cognitotest.Pool) (*members.Service, *bolt.Store) {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "meldwijzer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := members.New(cognito.New(pool.Client(), cognitotest.PoolID), institutions{school.ID: school}, store, nil)
	return svc, store
}

// An admin grants and withdraws roles of the school's own accounts, audited; another school's
// account, the sector role, an unknown role and withdrawing one's own admin role change nothing.
func TestAdminSetsRoles(t *testing.T) {
	ctx := context.Background()
	pool := cognitotest.Start(t)
	svc, store := service(t, pool)
	admin := members.Admin{Institution: school.ID, Subject: cognitotest.OwnAdmin, Role: auth.RoleAdmin}

	v, err := svc.SetRoles(ctx, admin, cognitotest.OwnFederated, []string{auth.RoleViewer, auth.RoleStaff, auth.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Roles, []string{auth.RoleViewer, auth.RoleStaff}) || !slices.Equal(v.ProviderRoles, []string{auth.RoleHandler}) {
		t.Errorf("after the change: %+v", v)
	}
	if got := pool.GroupsOf(cognitotest.OwnFederated); !slices.Equal(got, []string{"staff", "viewer"}) {
		t.Errorf("groups in the pool: %v", got)
	}
	entries, _, err := store.Audit(ctx, school.ID, "", 10)
	if err != nil || len(entries) != 1 || entries[0].Action != meldwijzer.AuditRoles || entries[0].Actor != cognitotest.OwnAdmin ||
		entries[0].Detail != cognitotest.OwnFederated+" viewer,staff" {
		t.Errorf("audit %+v %v", entries, err)
	}
	// The same roles again: nothing to change, nothing audited.
	if _, err := svc.SetRoles(ctx, admin, cognitotest.OwnFederated, []string{auth.RoleStaff, auth.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if entries, _, _ := store.Audit(ctx, school.ID, "", 10); len(entries) != 1 {
		t.Errorf("a change that changes nothing was audited: %+v", entries)
	}

	changes := len(pool.Changes())
	for _, c := range []struct {
		name    string
		subject string
		roles   []string
		code    string
	}{
		{"another school's SURFconext account", cognitotest.OtherFederated, []string{auth.RoleHandler}, meldwijzer.ENOTFOUND},
		{"another school's admin", cognitotest.OtherAdmin, nil, meldwijzer.ENOTFOUND},
		{"a pool account with the school's domain written by itself", cognitotest.Spoofer, []string{auth.RoleHandler}, meldwijzer.ENOTFOUND},
		{"the sector's account", cognitotest.Sector, nil, meldwijzer.ENOTFOUND},
		{"not a subject", `x" or sub ^= "`, []string{auth.RoleHandler}, meldwijzer.ENOTFOUND},
		{"the sector role", cognitotest.OwnFederated, []string{auth.RoleSector}, meldwijzer.EFORBIDDEN},
		{"an unknown role", cognitotest.OwnFederated, []string{"root"}, meldwijzer.EINVALID},
		{"one's own admin role", cognitotest.OwnAdmin, []string{auth.RoleHandler}, meldwijzer.ECONFLICT},
	} {
		if _, err := svc.SetRoles(ctx, admin, c.subject, c.roles); meldwijzer.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	if got := pool.Changes(); len(got) != changes {
		t.Errorf("refused requests changed the pool: %v", got[changes:])
	}
	if entries, _, _ := store.Audit(ctx, school.ID, "", 10); len(entries) != 1 {
		t.Errorf("refused requests were audited: %+v", entries)
	}
	if got := pool.GroupsOf(cognitotest.OtherFederated); !slices.Equal(got, []string{"handler"}) {
		t.Errorf("another school's account: %v", got)
	}

	// Withdrawing every role: the account stays, with none.
	if v, err := svc.SetRoles(ctx, admin, cognitotest.OwnFederated, []string{}); err != nil || len(v.Roles) != 0 {
		t.Errorf("withdraw all: %+v %v", v, err)
	}
	if got := pool.GroupsOf(cognitotest.OwnFederated); len(got) != 0 {
		t.Errorf("groups after withdrawing all: %v", got)
	}
}

// List is sorted by e-mail address and shows the roles the school's groups give beside those
// granted here.
func TestListShowsProviderRoles(t *testing.T) {
	pool := cognitotest.Start(t)
	svc, _ := service(t, pool)
	vs, err := svc.List(context.Background(), members.Admin{Institution: school.ID, Subject: cognitotest.OwnAdmin, Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Email != "beheer@voorbeeldschool.example" || !slices.Equal(vs[1].ProviderRoles, []string{auth.RoleHandler}) ||
		len(vs[0].ProviderRoles) != 0 {
		t.Errorf("list %+v", vs)
	}
}
