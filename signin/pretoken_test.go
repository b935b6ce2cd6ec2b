package signin_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"meldwijzer"
	"meldwijzer/auth"
	"meldwijzer/signin"
)

// domains is the test double for the one store lookup the trigger makes.
type domains struct {
	byDomain map[string]*meldwijzer.Institution
	err      error
	asked    []string
}

func (d *domains) InstitutionByDomain(_ context.Context, domain string) (*meldwijzer.Institution, error) {
	d.asked = append(d.asked, domain)
	if d.err != nil {
		return nil, d.err
	}
	if inst, ok := d.byDomain[domain]; ok {
		return inst, nil
	}
	return nil, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution for %q", domain)
}

var school = &meldwijzer.Institution{ID: "voorbeeldschool", Name: "Voorbeeldschool", Domains: []string{"voorbeeldschool.example"},
	Groups: map[string]string{
		"urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen": auth.RoleHandler,
		"urn:mace:voorbeeldschool.example:groups:kwaliteit":           auth.RoleViewer,
		"urn:mace:voorbeeldschool.example:groups:bestuur":             auth.RoleSector, // a school cannot grant it
	}}

func store() *domains {
	return &domains{byDomain: map[string]*meldwijzer.Institution{
		"voorbeeldschool.example": school,
		"demo.example":            {ID: "demo-school", Name: "Demo", Demo: true, Groups: map[string]string{"g": auth.RoleHandler}},
	}}
}

// event reads a testdata event and changes its user attributes and pool groups (nil: keep).
func event(t *testing.T, file string, attrs map[string]*string, groups []string) json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]any
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	req := e["request"].(map[string]any)
	ua := req["userAttributes"].(map[string]any)
	for k, v := range attrs {
		if v == nil {
			delete(ua, k)
		} else {
			ua[k] = *v
		}
	}
	if groups != nil {
		req["groupConfiguration"].(map[string]any)["groupsToOverride"] = groups
	}
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func s(v string) *string { return &v }

// response is the part of the answer Cognito reads, both versions.
type response struct {
	Version  string
	Response struct {
		V1 *struct {
			ClaimsToAddOrOverride map[string]any
			ClaimsToSuppress      []string
			GroupOverrideDetails  struct{ GroupsToOverride []string }
		} `json:"claimsOverrideDetails"`
		V2 *struct {
			IDTokenGeneration struct {
				ClaimsToAddOrOverride map[string]any
				ClaimsToSuppress      []string
			}
			GroupOverrideDetails struct{ GroupsToOverride []string }
		} `json:"claimsAndScopeOverrideDetails"`
	}
	Request struct {
		UserAttributes map[string]string
	}
}

// token builds the ID token as Cognito would from the event and the trigger's answer (the user's
// attributes it reads, then the suppressed and added claims and the groups), signs it, and
// returns what the API's verifier makes of it.
func token(t *testing.T, answer json.RawMessage) (*auth.Identity, error) {
	t.Helper()
	var r response
	if err := json.Unmarshal(answer, &r); err != nil {
		t.Fatalf("answer %s: %v", answer, err)
	}
	add, suppress, groups := map[string]any{}, []string(nil), []string(nil)
	switch {
	case r.Response.V2 != nil:
		add, suppress, groups = r.Response.V2.IDTokenGeneration.ClaimsToAddOrOverride, r.Response.V2.IDTokenGeneration.ClaimsToSuppress, r.Response.V2.GroupOverrideDetails.GroupsToOverride
	case r.Response.V1 != nil:
		add, suppress, groups = r.Response.V1.ClaimsToAddOrOverride, r.Response.V1.ClaimsToSuppress, r.Response.V1.GroupOverrideDetails.GroupsToOverride
	default:
		t.Fatalf("no response in %s", answer)
	}
	if groups == nil {
		t.Fatalf("groupsToOverride missing: Cognito would keep the pool's groups (%s)", answer)
	}
	now := time.Now()
	c := jwt.MapClaims{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE", "aud": "dashboard",
		"token_use": "id", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	for k, v := range r.Request.UserAttributes {
		if k == "sub" || k == "email" || strings.HasPrefix(k, "custom:") {
			c[k] = v
		}
	}
	for _, k := range suppress {
		delete(c, k)
	}
	for k, v := range add {
		c[k] = v
	}
	if len(groups) > 0 {
		c["cognito:groups"] = groups
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	raw, err := jwt.NewWithClaims(jwt.SigningMethodES256, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	v := auth.NewVerifier(func(*jwt.Token) (any, error) { return &key.PublicKey, nil }, c["iss"].(string), "dashboard")
	return v.Verify(context.Background(), "Bearer "+raw)
}

func TestPreTokenGeneration(t *testing.T) {
	const (
		v2Fed   = "pretokengen-v2-surfconext.json"
		v1Admin = "pretokengen-v1-admin-created.json"
		v2AWS   = "aws-lambda-go-pretokengen-v2_0.json"
		v1AWS   = "aws-lambda-go-pretokengen-v1.json"
	)
	cases := []struct {
		name   string
		event  json.RawMessage
		inst   string   // the token's institution ("" and no roles: refused)
		roles  []string // nil: the API refuses the token
		denied bool
	}{
		{name: "a SURFconext user whose school group is mapped to handler", event: event(t, v2Fed, nil, nil),
			inst: "voorbeeldschool", roles: []string{auth.RoleHandler}},
		{name: "the same in a V1 event", event: event(t, "pretokengen-v1-admin-created.json", map[string]*string{
			"cognito:user_status": s("EXTERNAL_PROVIDER"), "custom:institution": nil,
			"identities": s(`[{"providerName":"SURFconext","providerType":"SAML"}]`), "custom:schac_home": s("voorbeeldschool.example"),
			"custom:groups": s("urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen")}, []string{}),
			inst: "voorbeeldschool", roles: []string{auth.RoleHandler}},
		{name: "groups as a JSON list (an OIDC claim)", event: event(t, v2Fed, map[string]*string{
			"custom:groups": s(`["urn:mace:voorbeeldschool.example:groups:kwaliteit"]`)}, nil),
			inst: "voorbeeldschool", roles: []string{auth.RoleViewer}},
		{name: "a role the school's admin granted in the pool, beside the school's groups", event: event(t, v2Fed, nil, []string{auth.RoleAdmin, "some-other-group"}),
			inst: "voorbeeldschool", roles: []string{auth.RoleHandler, auth.RoleAdmin}},
		{name: "a SURFconext user without a mapped group or granted role", event: event(t, v2Fed, map[string]*string{"custom:groups": nil}, nil),
			inst: "voorbeeldschool", denied: true},
		{name: "a school group mapped to sector grants nothing", event: event(t, v2Fed, map[string]*string{
			"custom:groups": s("[urn:mace:voorbeeldschool.example:groups:bestuur]")}, nil), inst: "voorbeeldschool", denied: true},
		{name: "a domain no institution registered", event: event(t, v2Fed, map[string]*string{"custom:schac_home": s("andereschool.example")}, []string{auth.RoleHandler}),
			denied: true},
		{name: "no schac_home_organization released", event: event(t, v2Fed, map[string]*string{"custom:schac_home": nil}, nil), denied: true},
		{name: "a demo institution's domain", event: event(t, v2Fed, map[string]*string{"custom:schac_home": s("demo.example"), "custom:groups": s("g")}, nil),
			denied: true},
		{name: "another identity provider's user is not mapped by domain", event: event(t, v2Fed, map[string]*string{
			"identities": s(`[{"providerName":"Elsewhere","providerType":"OIDC"}]`)}, nil), denied: true},
		{name: "a pool account that wrote custom:schac_home itself", event: event(t, v2AWS, map[string]*string{
			"custom:schac_home": s("voorbeeldschool.example"), "custom:groups": s("urn:mace:voorbeeldschool.example:groups:vertrouwenspersonen")}, nil),
			denied: true},
		{name: "an operator-made account: its institution and pool groups", event: event(t, v1Admin, nil, nil),
			inst: "voorbeeldschool", roles: []string{auth.RoleAdmin, auth.RoleViewer}},
		{name: "an operator-made account in V2, sector and unknown groups dropped", event: event(t, v2AWS, map[string]*string{"custom:institution": s("voorbeeldschool")},
			[]string{auth.RoleSector, auth.RoleHandler, "handlers", auth.RoleStaff}), inst: "voorbeeldschool", roles: []string{auth.RoleHandler, auth.RoleStaff}},
		{name: "custom:institution and the domain disagree", event: event(t, v2Fed, map[string]*string{"custom:institution": s("andere-school")}, []string{auth.RoleHandler}),
			denied: true},
		{name: "the sector role: an operator's account without institution", event: event(t, v2AWS, nil, []string{auth.RoleSector}),
			roles: []string{auth.RoleSector}},
		{name: "aws-lambda-go's V2 sample: nobody has a role by default", event: event(t, v2AWS, nil, nil), denied: true},
		{name: "aws-lambda-go's V1 sample: its groups are no roles", event: event(t, v1AWS, nil, nil), denied: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			trig := &signin.Trigger{Institutions: store()}
			answer, err := trig.Handle(context.Background(), c.event)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			var got, sent map[string]any
			_ = json.Unmarshal(answer, &got)
			_ = json.Unmarshal(c.event, &sent)
			if got["userPoolId"] != sent["userPoolId"] || got["triggerSource"] != sent["triggerSource"] {
				t.Errorf("the answer is not the event it was sent: %s", answer)
			}
			id, err := token(t, answer)
			if c.denied {
				if err == nil {
					t.Fatalf("the API accepts the token: %+v (answer %s)", id, answer)
				}
				var r response
				_ = json.Unmarshal(answer, &r)
				if r.Response.V2 != nil && c.inst == "" && r.Response.V2.IDTokenGeneration.ClaimsToAddOrOverride["institution"] != nil {
					t.Errorf("a refused token names an institution: %s", answer)
				}
				return
			}
			if err != nil {
				t.Fatalf("the API refuses the token: %v (answer %s)", err, answer)
			}
			if id.Institution != c.inst || !slices.Equal(id.Roles, c.roles) {
				t.Errorf("token for %q %v, want %q %v (answer %s)", id.Institution, id.Roles, c.inst, c.roles, answer)
			}
		})
	}
}

// The domain is looked up in lower case (SURFconext: compare schacHomeOrganization without case).
func TestDomainIsLookedUpInLowerCase(t *testing.T) {
	d := store()
	if _, err := (&signin.Trigger{Institutions: d}).Handle(context.Background(), event(t, "pretokengen-v2-surfconext.json", nil, nil)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.asked, []string{"voorbeeldschool.example"}) {
		t.Errorf("looked up %q", d.asked)
	}
}

// A store that cannot be read fails the sign-in: no token without the check.
func TestStoreFailureFailsTheSignIn(t *testing.T) {
	d := store()
	d.err = errors.New("dynamodb: throttled")
	if _, err := (&signin.Trigger{Institutions: d}).Handle(context.Background(), event(t, "pretokengen-v2-surfconext.json", nil, nil)); err == nil {
		t.Fatal("a store error gave a token")
	}
	for _, bad := range []string{`{"version":"9","request":{}}`, `not json`} {
		if _, err := (&signin.Trigger{Institutions: store()}).Handle(context.Background(), json.RawMessage(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseMultiValue(t *testing.T) {
	for in, want := range map[string][]string{
		"":                    nil,
		"a":                   {"a"},
		"[a, b]":              {"a", "b"},
		"[a]":                 {"a"},
		`["a","b, c"]`:        {"a", "b, c"},
		" [ urn:x:1 ,urn:y ]": {"urn:x:1", "urn:y"},
	} {
		if got := signin.ParseMultiValue(in); !slices.Equal(got, want) {
			t.Errorf("ParseMultiValue(%q) = %q, want %q", in, got, want)
		}
	}
}

// Belongs is the trigger's rule for the members routes: the same accounts, never another school's.
func TestBelongs(t *testing.T) {
	fed := func(domain, inst string) map[string]string {
		a := map[string]string{"cognito:user_status": "EXTERNAL_PROVIDER", "identities": `[{"providerName":"SURFconext"}]`, "custom:schac_home": domain}
		if inst != "" {
			a["custom:institution"] = inst
		}
		return a
	}
	for _, c := range []struct {
		name  string
		attrs map[string]string
		want  bool
	}{
		{"a SURFconext account of a registered domain", fed("VoorbeeldSchool.example", ""), true},
		{"a SURFconext account of another domain", fed("andereschool.example", ""), false},
		{"a SURFconext account whose custom:institution disagrees", fed("voorbeeldschool.example", "andere-school"), false},
		{"an operator-made account of the school", map[string]string{"custom:institution": "voorbeeldschool"}, true},
		{"an operator-made account of another school", map[string]string{"custom:institution": "andere-school"}, false},
		{"a pool account that wrote the school's domain itself", map[string]string{"custom:schac_home": "voorbeeldschool.example"}, false},
	} {
		if got := signin.Belongs(c.attrs, signin.ProviderName, school); got != c.want {
			t.Errorf("%s: Belongs = %v, want %v", c.name, got, c.want)
		}
	}
	demo := *school
	demo.Demo = true
	if signin.Belongs(fed("voorbeeldschool.example", ""), signin.ProviderName, &demo) {
		t.Error("a demo institution has members")
	}
}
