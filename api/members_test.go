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

// The accounts of the Cognito fixture as seen from the demo institution roc-voorbeeldstad, which
// the test registers with the fixture school's domain.
const (
	memberSubject = cognitotest.OwnFederated
	otherSubject  = cognitotest.OtherFederated
	adminSubject  = "test-admin" // the token's subject (ts.token)
)

// oneInstitution is the test double for the one store lookup the members service makes.
type oneInstitution meldwijzer.Institution

func (o *oneInstitution) Institution(_ context.Context, id string) (*meldwijzer.Institution, error) {
	if id != o.ID {
		return nil, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution %q", id)
	}
	inst := meldwijzer.Institution(*o)
	return &inst, nil
}

// newMembersServer is the app with the Cognito directory (on the loopback endpoint), and an
// admin's token for roc-voorbeeldstad.
func newMembersServer(t *testing.T) (*testServer, string) {
	t.Helper()
	pool := cognitotest.Start(t)
	ms := newServerWith(t, app.Options{Members: cognito.New(pool.Client(), cognitotest.PoolID),
		Institutions: &oneInstitution{ID: "roc-voorbeeldstad", Name: "ROC Voorbeeldstad", Domains: []string{"voorbeeldschool.example"},
			Groups: map[string]string{"urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen": auth.RoleHandler}}})
	return ms, ms.token(t, "roc-voorbeeldstad", auth.RoleAdmin, time.Hour)
}

// An admin sees the school's own accounts only and changes their roles; every change is in the
// audit log; a handler may do neither.
func TestMembersRoutes(t *testing.T) {
	ms, admin := newMembersServer(t)
	inst := "/api/v1/institutions/roc-voorbeeldstad"
	status, body, _ := ms.do(t, "GET", inst+"/members", "", "Authorization", admin)
	list, _ := body["members"].([]any)
	if status != 200 || len(list) != 1 {
		t.Fatalf("members: %d %v", status, body)
	}
	m := list[0].(map[string]any)
	if m["subject"] != memberSubject || m["source"] != "surfconext" || !slices.Equal(stringList(m["roles"]), []string{"handler"}) ||
		!slices.Equal(stringList(m["providerRoles"]), []string{"handler"}) {
		t.Errorf("the member: %v", m)
	}
	status, body, _ = ms.do(t, "PUT", inst+"/members/"+memberSubject+"/roles", `{"roles":["admin"]}`, "Authorization", admin, "Content-Type", "application/json")
	if status != 200 || !slices.Equal(stringList(body["member"].(map[string]any)["roles"]), []string{"admin"}) {
		t.Errorf("grant: %d %v", status, body)
	}
	status, body, _ = ms.do(t, "GET", inst+"/audit", "", "Authorization", ms.token(t, "roc-voorbeeldstad", auth.RoleHandler, time.Hour))
	entries, _ := body["entries"].([]any)
	if status != 200 || len(entries) != 1 || entries[0].(map[string]any)["action"] != "roles" || entries[0].(map[string]any)["actor"] != adminSubject {
		t.Errorf("audit: %d %v", status, body)
	}
	for _, role := range []string{auth.RoleHandler, auth.RoleViewer, auth.RoleStaff} {
		if status, _, _ := ms.do(t, "GET", inst+"/members", "", "Authorization", ms.token(t, "roc-voorbeeldstad", role, time.Hour)); status != 403 {
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
