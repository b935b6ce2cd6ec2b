// Package auth checks the Bearer tokens of institution staff: a JWT signed by a key in a JWKS
// (Cognito's user pool on AWS, a local key for `make run`), with issuer, audience, expiry, and
// the institution and role it grants.
package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"meldwijzer"
)

// Roles.
const (
	RoleHandler = "handler" // vertrouwenspersoon / meldpunt: reports, messages, status
	RoleViewer  = "viewer"  // quality staff and board: the dashboard only
)

// Roles lists the roles.
var Roles = []string{RoleHandler, RoleViewer}

// Identity is who a valid token speaks for.
type Identity struct {
	// Subject identifies the staff member (the token's sub) for the audit log.
	Subject     string
	Institution string
	Role        string
}

// Verifier checks tokens.
type Verifier struct {
	keyfunc  jwt.Keyfunc
	issuer   string
	audience string
	now      func() time.Time
}

// NewVerifier checks tokens signed by the keys keyfunc returns (a JWKS), for one issuer and
// audience.
func NewVerifier(keyfunc jwt.Keyfunc, issuer, audience string) *Verifier {
	return &Verifier{keyfunc: keyfunc, issuer: issuer, audience: audience, now: time.Now}
}

// claims accepts the plain claims of docs/api.md (institution, role) and those of a Cognito ID
// token (custom:institution, cognito:groups for the role, token_use "id").
type claims struct {
	jwt.RegisteredClaims
	Institution       string   `json:"institution"`
	Role              string   `json:"role"`
	CustomInstitution string   `json:"custom:institution"`
	Groups            []string `json:"cognito:groups"`
	TokenUse          string   `json:"token_use"`
}

var errToken = meldwijzer.Errorf(meldwijzer.EUNAUTHORIZED, "sign in again: the token is missing, invalid or expired")

// Verify checks the Authorization header's Bearer token and returns its identity. Every failure
// is the same 401: a client learns nothing from the difference.
func (v *Verifier) Verify(ctx context.Context, authorization string) (*Identity, error) {
	scheme, raw, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return nil, errToken
	}
	var c claims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256", "ES256"}),
		jwt.WithIssuer(v.issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(v.now),
		jwt.WithLeeway(30*time.Second),
	)
	// A "crit" header names extensions that the verifier must understand; it understands none
	// (RFC 7515 §4.1.11), so such a token is refused whatever it says.
	keyfunc := func(t *jwt.Token) (any, error) {
		if _, ok := t.Header["crit"]; ok {
			return nil, errToken
		}
		return v.keyfunc(t)
	}
	if _, err := parser.ParseWithClaims(raw, &c, keyfunc); err != nil {
		return nil, errToken
	}
	// Only ID tokens: their aud is the dashboard's client and they carry the institution. A
	// Cognito access token (token_use "access", client_id instead of aud) is refused, as is any
	// other use; a local token has no token_use.
	if (c.TokenUse != "" && c.TokenUse != "id") || !slices.Contains(c.Audience, v.audience) {
		return nil, errToken
	}
	id := &Identity{Subject: c.Subject, Institution: c.Institution, Role: c.Role}
	if id.Institution == "" {
		id.Institution = c.CustomInstitution
	}
	if id.Role == "" {
		// Someone in both groups is a handler (a handler may see the dashboard too).
		for _, r := range Roles {
			if slices.Contains(c.Groups, r) {
				id.Role = r
				break
			}
		}
	}
	if id.Institution == "" || !slices.Contains(Roles, id.Role) || id.Subject == "" {
		return nil, errToken
	}
	return id, nil
}

// Authorize checks that the identity may act at an institution in one of the roles.
func (id *Identity) Authorize(institution string, roles ...string) error {
	if id.Institution != institution {
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "this account has no access to that institution")
	}
	if !slices.Contains(roles, id.Role) {
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "this account's role (%s) may not do this", id.Role)
	}
	return nil
}
