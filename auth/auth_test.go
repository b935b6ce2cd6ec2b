package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"meldwijzer"
	"meldwijzer/auth"
)

func localKey(t *testing.T) (*auth.LocalKey, *auth.Verifier) {
	t.Helper()
	k, err := auth.LoadLocalKey(filepath.Join(t.TempDir(), "token.key"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	return k, v
}

// sign makes a token with any claims, signed by priv (nil: unsigned, alg none).
func sign(t *testing.T, priv *ecdsa.PrivateKey, c jwt.MapClaims) string {
	t.Helper()
	if priv == nil {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodES256, c).SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	key, v := localKey(t)
	good, err := key.Sign(auth.Identity{Subject: "vp-1", Institution: "roc-voorbeeldstad", Role: auth.RoleHandler}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Verify(context.Background(), "Bearer "+good)
	if err != nil || id.Institution != "roc-voorbeeldstad" || id.Role != "handler" || id.Subject != "vp-1" {
		t.Fatalf("a good token: %v %+v", err, id)
	}

	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": auth.LocalIssuer, "aud": auth.LocalAudience, "sub": "x", "exp": now.Add(time.Hour).Unix(),
			"institution": "roc-voorbeeldstad", "role": "handler"}
	}
	with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := base(); delete(c, k); return c }
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2]
	expired, _ := key.Sign(auth.Identity{Subject: "vp-1", Institution: "roc-voorbeeldstad", Role: auth.RoleHandler}, -time.Hour)

	bad := map[string]string{
		"no header":             "",
		"not bearer":            "Basic " + good,
		"tampered":              "Bearer " + tampered,
		"unsigned (alg none)":   "Bearer " + sign(t, nil, base()),
		"signed by another key": "Bearer " + sign(t, other, base()),
		"expired":               "Bearer " + expired,
		"no expiry":             "Bearer " + sign(t, other, without("exp")),
		"garbage":               "Bearer abc.def.ghi",
	}
	for name, header := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Verify(context.Background(), header); meldwijzer.ErrorCode(err) != meldwijzer.EUNAUTHORIZED {
				t.Errorf("want unauthorized, got %v", err)
			}
		})
	}
	// The same claims problems, signed by the right key through a verifier that trusts `other`.
	otherKF := func(*jwt.Token) (any, error) { return &other.PublicKey, nil }
	ov := auth.NewVerifier(otherKF, auth.LocalIssuer, auth.LocalAudience)
	claimProblems := map[string]jwt.MapClaims{
		"wrong issuer":   with("iss", "someone-else"),
		"wrong audience": with("aud", "another-app"),
		"no institution": without("institution"),
		"unknown role":   with("role", "superuser"),
		"no subject":     without("sub"),
		"not yet valid":  with("nbf", now.Add(time.Hour).Unix()),
	}
	for name, c := range claimProblems {
		t.Run(name, func(t *testing.T) {
			if _, err := ov.Verify(context.Background(), "Bearer "+sign(t, other, c)); meldwijzer.ErrorCode(err) != meldwijzer.EUNAUTHORIZED {
				t.Errorf("want unauthorized, got %v", err)
			}
		})
	}
	cognito := func(use string) jwt.MapClaims {
		c := base()
		delete(c, "institution")
		delete(c, "role")
		c["token_use"] = use
		c["custom:institution"] = "techniek-college-denkbeeldig"
		c["cognito:groups"] = []string{"viewer"}
		return c
	}
	t.Run("cognito ID token", func(t *testing.T) {
		id, err := ov.Verify(context.Background(), "Bearer "+sign(t, other, cognito("id")))
		if err != nil || id.Institution != "techniek-college-denkbeeldig" || id.Role != "viewer" {
			t.Errorf("%v %+v", err, id)
		}
	})
	// An access token (client_id, no aud), a refresh or any other use, and a token with a
	// critical header extension nobody here understands, are all refused.
	access := cognito("access")
	delete(access, "aud")
	access["client_id"] = auth.LocalAudience
	crit := jwt.NewWithClaims(jwt.SigningMethodES256, base())
	crit.Header["crit"] = []string{"exp-ext"}
	crit.Header["exp-ext"] = true
	critToken, err := crit.SignedString(other)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{
		"cognito access token":         sign(t, other, access),
		"access token with aud":        sign(t, other, cognito("access")),
		"other token_use":              sign(t, other, cognito("refresh")),
		"crit header":                  critToken,
		"client_id instead of the aud": sign(t, other, func() jwt.MapClaims { c := without("aud"); c["client_id"] = auth.LocalAudience; return c }()),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ov.Verify(context.Background(), "Bearer "+tok); meldwijzer.ErrorCode(err) != meldwijzer.EUNAUTHORIZED {
				t.Errorf("want unauthorized, got %v", err)
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	handler := &auth.Identity{Subject: "a", Institution: "roc-voorbeeldstad", Role: auth.RoleHandler}
	viewer := &auth.Identity{Subject: "b", Institution: "roc-voorbeeldstad", Role: auth.RoleViewer}
	if err := handler.Authorize("roc-voorbeeldstad", auth.RoleHandler); err != nil {
		t.Error(err)
	}
	if err := handler.Authorize("techniek-college-denkbeeldig", auth.RoleHandler, auth.RoleViewer); meldwijzer.ErrorCode(err) != meldwijzer.EFORBIDDEN {
		t.Errorf("another institution: %v", err)
	}
	if err := viewer.Authorize("roc-voorbeeldstad", auth.RoleHandler); meldwijzer.ErrorCode(err) != meldwijzer.EFORBIDDEN {
		t.Errorf("a viewer on a handler route: %v", err)
	}
	if err := viewer.Authorize("roc-voorbeeldstad", auth.RoleHandler, auth.RoleViewer); err != nil {
		t.Error(err)
	}
}

func TestLocalKeyPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.key")
	k1, err := auth.LoadLocalKey(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := k1.Sign(auth.Identity{Subject: "s", Institution: "i", Role: "viewer"}, time.Minute)
	k2, err := auth.LoadLocalKey(path)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := k2.Verifier()
	if _, err := v.Verify(context.Background(), "Bearer "+tok); err != nil {
		t.Errorf("a token from before a restart: %v", err)
	}
}

// A token grants the roles it names that are roles; the sector role has no institution and every
// other role has one, so neither can pass for the other.
func TestRolesOfAToken(t *testing.T) {
	key, err := auth.LoadLocalKey(filepath.Join(t.TempDir(), "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := key.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		id   auth.Identity
		want string // the identity's Role, "" when the token is refused
	}{
		{"handler and admin", auth.Identity{Subject: "a", Institution: "x", Roles: []string{"admin", "handler"}}, "handler"},
		{"staff", auth.Identity{Subject: "a", Institution: "x", Role: "staff"}, "staff"},
		{"a school's group name", auth.Identity{Subject: "a", Institution: "x", Roles: []string{"docenten"}}, ""},
		{"sector", auth.Identity{Subject: "a", Role: "sector"}, "sector"},
		{"sector at a school", auth.Identity{Subject: "a", Institution: "x", Role: "sector"}, ""},
		{"sector and viewer", auth.Identity{Subject: "a", Roles: []string{"sector", "viewer"}}, ""},
		{"viewer without a school", auth.Identity{Subject: "a", Role: "viewer"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, err := key.Sign(tc.id, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			id, err := v.Verify(context.Background(), "Bearer "+token)
			switch {
			case tc.want == "" && err == nil:
				t.Fatalf("accepted as %+v", id)
			case tc.want != "" && (err != nil || id.Role != tc.want):
				t.Fatalf("got %+v, %v; want role %s", id, err, tc.want)
			}
		})
	}
	admin := &auth.Identity{Subject: "a", Institution: "x", Role: "handler", Roles: []string{"handler", "admin"}}
	if err := admin.Authorize("x", auth.RoleAdmin); err != nil {
		t.Errorf("a handler who is also admin may not act as admin: %v", err)
	}
}
