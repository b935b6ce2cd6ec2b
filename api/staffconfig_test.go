package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/auth"
)

// The staff pages learn how to sign in from the server; only they may fetch from the provider's
// token endpoint, and only from that origin.
func TestStaffConfigAndItsCSP(t *testing.T) {
	cognito := &auth.Provider{Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", ClientID: "client1",
		AuthorizationEndpoint: "https://school.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
		TokenEndpoint:         "https://school.auth.eu-west-1.amazoncognito.com/oauth2/token",
		EndSessionEndpoint:    "https://school.auth.eu-west-1.amazoncognito.com/logout", Scope: auth.DefaultScope}
	staffCSP := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self' https://school.auth.eu-west-1.amazoncognito.com; font-src 'self'; object-src 'none'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	for _, tt := range []struct {
		name      string
		demo      bool
		signIn    *auth.Provider
		wantCSP   string
		wantDemo  bool
		wantOIDC  bool
		wantOther string // the CSP of every other page
	}{
		{"a deployment with a provider", false, cognito, staffCSP, false, true, api.ContentSecurityPolicy},
		{"demo mode without a provider", true, nil, api.ContentSecurityPolicy, true, false, api.ContentSecurityPolicy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := app.Options{SignIn: tt.signIn, Demo: tt.demo}
			var h http.Handler
			if tt.demo {
				h = apptest.New(t, o).Handler()
			} else {
				h = apptest.NewReal(t, o).Handler()
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			ts := srv.URL
			res, err := http.Get(ts + "/api/v1/staff/config")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				OIDC *auth.Provider `json:"oidc"`
				Demo bool           `json:"demoSignIn"`
			}
			if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != 200 {
				t.Fatalf("%d %v", res.StatusCode, err)
			}
			res.Body.Close()
			if got.Demo != tt.wantDemo || (got.OIDC != nil) != tt.wantOIDC || (tt.wantOIDC && *got.OIDC != *cognito) {
				t.Errorf("config %+v %+v", got, got.OIDC)
			}
			for path, want := range map[string]string{"/instelling": tt.wantCSP, "/instelling/": tt.wantCSP, "/instelling/app.js": tt.wantCSP,
				"/": tt.wantOther, "/i/roc-voorbeeldstad": tt.wantOther, "/api/v1/staff/config": tt.wantOther} {
				res, err := http.Get(ts + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if csp := res.Header.Get("Content-Security-Policy"); csp != want {
					t.Errorf("%s: CSP %q, want %q", path, csp, want)
				}
			}
		})
	}
}

// A provider the staff pages cannot use safely is refused before the server starts.
func TestProviderCheck(t *testing.T) {
	good := auth.Provider{Issuer: "https://idp.example", ClientID: "c", AuthorizationEndpoint: "https://idp.example/auth", TokenEndpoint: "https://idp.example/token"}
	local := auth.Provider{Issuer: "http://127.0.0.1:9000", ClientID: "c", AuthorizationEndpoint: "http://127.0.0.1:9000/auth", TokenEndpoint: "http://localhost:9000/token"}
	for _, p := range []auth.Provider{good, local} {
		if err := p.Check(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	if local.Origin() != "http://localhost:9000" || good.Origin() != "https://idp.example" {
		t.Errorf("origins %q %q", local.Origin(), good.Origin())
	}
	bad := map[string]func(p *auth.Provider){
		"no client":             func(p *auth.Provider) { p.ClientID = "" },
		"no token endpoint":     func(p *auth.Provider) { p.TokenEndpoint = "" },
		"http on the network":   func(p *auth.Provider) { p.TokenEndpoint = "http://idp.example/token" },
		"another scheme":        func(p *auth.Provider) { p.AuthorizationEndpoint = "javascript:alert(1)" },
		"a quote in the origin": func(p *auth.Provider) { p.TokenEndpoint = "https://idp.example';/token" },
		"http end session":      func(p *auth.Provider) { p.EndSessionEndpoint = "http://idp.example/logout" },
	}
	for name, change := range bad {
		p := good
		change(&p)
		if err := p.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
