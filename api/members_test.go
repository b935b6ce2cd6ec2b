package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/members/cognito"
	"meldwijzer/members/cognito/cognitotest"
)

// The accounts of the Cognito fixture.
const (
	memberSubject = cognitotest.OwnFederated
	otherSubject  = cognitotest.OtherFederated
	adminSubject  = "test-admin" // the token's subject (ts.token)
)

// memberSchool is the institution of the Cognito fixture's own accounts: a real record in the
// app's store, registered with the fixture school's domain and group mapping.
const memberSchool = "voorbeeldschool"

// newMembersServer is the app with the Cognito directory (on the loopback endpoint), and an
// admin's token for memberSchool.
func newMembersServer(t *testing.T) (*testServer, string) {
	t.Helper()
	pool := cognitotest.Start(t)
	ms := newServerWith(t, app.Options{Members: cognito.New(pool.Client(), cognitotest.PoolID)})
	if err := ms.store.PutInstitution(context.Background(), &meldwijzer.Institution{ID: memberSchool, Name: "Voorbeeldschool",
		Domains: []string{"voorbeeldschool.example"}, Contacts: []meldwijzer.Contact{}, Updated: time.Now().UTC(),
		Groups: map[string]string{"urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen": auth.RoleHandler}}); err != nil {
		t.Fatal(err)
	}
	return ms, ms.token(t, memberSchool, auth.RoleAdmin, time.Hour)
}

// An admin sees the school's own accounts only and changes their roles; every change is in the
// audit log; a handler may do neither.
func TestMembersRoutes(t *testing.T) {
	ms, admin := newMembersServer(t)
	inst := "/api/v1/institutions/" + memberSchool
	status, body, _ := ms.do(t, "GET", inst+"/members", "", "Authorization", admin)
	list, _ := body["members"].([]any)
	if status != 200 || len(list) != 2 {
		t.Fatalf("members: %d %v", status, body)
	}
	m := list[1].(map[string]any) // sorted by e-mail: beheer@ (the operator-made admin), then j.devries@
	if m["subject"] != memberSubject || m["source"] != "surfconext" || !slices.Equal(stringList(m["roles"]), []string{"handler"}) ||
		!slices.Equal(stringList(m["providerRoles"]), []string{"handler"}) {
		t.Errorf("the member: %v", m)
	}
	status, body, _ = ms.do(t, "PUT", inst+"/members/"+memberSubject+"/roles", `{"roles":["admin"]}`, "Authorization", admin, "Content-Type", "application/json")
	if status != 200 || !slices.Equal(stringList(body["member"].(map[string]any)["roles"]), []string{"admin"}) {
		t.Errorf("grant: %d %v", status, body)
	}
	status, body, _ = ms.do(t, "GET", inst+"/audit", "", "Authorization", ms.token(t, memberSchool, auth.RoleHandler, time.Hour))
	entries, _ := body["entries"].([]any)
	if status != 200 || len(entries) != 1 || entries[0].(map[string]any)["action"] != "roles" || entries[0].(map[string]any)["actor"] != adminSubject {
		t.Errorf("audit: %d %v", status, body)
	}
	for _, role := range []string{auth.RoleHandler, auth.RoleViewer, auth.RoleStaff} {
		if status, _, _ := ms.do(t, "GET", inst+"/members", "", "Authorization", ms.token(t, memberSchool, role, time.Hour)); status != 403 {
			t.Errorf("a %s lists members: %d", role, status)
		}
	}
	if status, _, _ := ms.do(t, "GET", "/api/v1/institutions/mbo-college-demo/members", "", "Authorization", admin); status != 403 {
		t.Errorf("another institution's members: %d", status)
	}
}

func stringList(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
