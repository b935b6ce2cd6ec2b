package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"meldwijzer/auth"
)

// A server that trusts its local key and a provider accepts the tokens of both, each only
// with its own issuer, audience and key; a token that mixes them is refused.
func TestVerifierAlso(t *testing.T) {
	key, v := localKey(t)
	idp, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	const issuer, client = "https://idp.example", "meldwijzer"
	v.Also(auth.NewVerifier(func(*jwt.Token) (any, error) { return &idp.PublicKey, nil }, issuer, client))

	local, err := key.Sign(auth.Identity{Subject: "demo", Institution: "roc-voorbeeldstad", Role: auth.RoleViewer}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(iss, aud string) jwt.MapClaims {
		return jwt.MapClaims{"iss": iss, "aud": aud, "sub": "vp@school", "exp": time.Now().Add(time.Hour).Unix(),
			"institution": "roc-voorbeeldstad", "roles": []string{"handler"}}
	}
	for name, tt := range map[string]struct {
		token string
		role  string
	}{
		"the local key's token":                  {local, auth.RoleViewer},
		"the provider's token":                   {sign(t, idp, claims(issuer, client)), auth.RoleHandler},
		"another client":                         {sign(t, idp, claims(issuer, "other")), ""},
		"another issuer":                         {sign(t, idp, claims("https://evil.example", client)), ""},
		"the local issuer by the provider's key": {sign(t, idp, claims(auth.LocalIssuer, auth.LocalAudience)), ""},
	} {
		id, err := v.Verify(context.Background(), "Bearer "+tt.token)
		switch {
		case tt.role == "" && err == nil:
			t.Errorf("%s: accepted as %+v", name, id)
		case tt.role != "" && (err != nil || id.Role != tt.role):
			t.Errorf("%s: %v %+v", name, err, id)
		}
	}
}
