package main

import (
	"testing"

	"meldwijzer/auth"
	"meldwijzer/config"
)

// The environment the CDK app sets becomes the staff pages' provider; without a hosted UI there
// is none, and a half or unsafe setting stops the cold start.
func TestSignInProvider(t *testing.T) {
	ui := "https://school.auth.eu-west-1.amazoncognito.com"
	c := config.Config{Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/pool", Audience: "client",
		OIDCAuthorizationEndpoint: ui + "/oauth2/authorize", OIDCTokenEndpoint: ui + "/oauth2/token", OIDCEndSessionEndpoint: ui + "/logout",
		OIDCRevocationEndpoint: ui + "/oauth2/revoke"}
	p, err := signInProvider(c)
	if err != nil || p == nil || p.ClientID != "client" || p.Issuer != c.Issuer || p.Scope != auth.DefaultScope || p.Origin() != ui {
		t.Fatalf("%+v %v", p, err)
	}
	if p, err := signInProvider(config.Config{Issuer: c.Issuer, Audience: "client"}); p != nil || err != nil {
		t.Errorf("no hosted UI: %+v %v", p, err)
	}
	half := c
	half.OIDCTokenEndpoint = ""
	plain := c
	plain.OIDCTokenEndpoint = "http://school.example/oauth2/token"
	elsewhere := c
	elsewhere.OIDCRevocationEndpoint = "https://other.example/revoke"
	for name, c := range map[string]config.Config{"no token endpoint": half, "http": plain, "revocation elsewhere": elsewhere} {
		if _, err := signInProvider(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
