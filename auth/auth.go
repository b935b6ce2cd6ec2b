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

// Roles. Nobody has one by default: the school grants them.
const (
	RoleHandler = "handler" // vertrouwenspersoon / meldpunt: reports, messages, status, incidents
	RoleViewer  = "viewer"  // quality staff and board: the dashboard only
	RoleAdmin   = "admin"   // the school's own contacts, settings and who has which role
	RoleStaff   = "staff"   // any employee: registers incidents and sees their own
	// RoleSector is not tied to one institution (the token has no institution) and reads only
	// the sector view across the institutions that take part.
	RoleSector = "sector"
)

// Roles lists the roles, the most trusted first: a token that grants several names the first
// of them as its Role (the audit log's).
var Roles = []string{RoleHandler, RoleAdmin, RoleViewer, RoleStaff, RoleSector}

// Identity is who a valid token speaks for.
type Identity struct {
	// Subject identifies the staff member (the token's sub) for the audit log.
	Subject string
	// Institution is empty for the sector role, and only for it.
	Institution string
	// Role is the most trusted of Roles; Roles are all the roles the token grants.
	Role  string
	Roles []string
}

// Has reports whether the identity holds the role.
func (id *Identity) Has(role string) bool {
	return id.Role == role || slices.Contains(id.Roles, role)
}

// Verifier checks tokens.
type Verifier struct {
	keyfunc  jwt.Keyfunc
	issuer   string
	audience string
	now      func() time.Time
	// also are other issuers' verifiers (Also): a token any of them accepts is accepted.
	also []*Verifier
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
	RoleList          []string `json:"roles"`
	CustomInstitution string   `json:"custom:institution"`
	Groups            []string `json:"cognito:groups"`
	TokenUse          string   `json:"token_use"`
}

var errToken = meldwijzer.Errorf(meldwijzer.EUNAUTHORIZED, "sign in again: the token is missing, invalid or expired")

// Verify checks the Authorization header's Bearer token and returns its identity. Every failure
// is the same 401: a client learns nothing from the difference.
func (v *Verifier) Verify(ctx context.Context, authorization string) (*Identity, error) {
	id, err := v.verify(authorization)
	for _, o := range v.also {
		if err == nil {
			break
		}
		id, err = o.Verify(ctx, authorization)
	}
	return id, err
}

func (v *Verifier) verify(authorization string) (*Identity, error) {
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
	id := &Identity{Subject: c.Subject, Institution: c.Institution}
	if id.Institution == "" {
		id.Institution = c.CustomInstitution
	}
	// The roles are the token's role and roles claims, or its Cognito groups; names that are no
	// role (a school's own group names) grant nothing.
	granted := append(append([]string{c.Role}, c.RoleList...), c.Groups...)
	for _, r := range Roles {
		if slices.Contains(granted, r) {
			id.Roles = append(id.Roles, r)
		}
	}
	if len(id.Roles) == 0 || id.Subject == "" {
		return nil, errToken
	}
	id.Role = id.Roles[0]
	// The sector role stands alone and has no institution; every other role has one.
	if sector := slices.Contains(id.Roles, RoleSector); sector != (id.Institution == "") || (sector && len(id.Roles) > 1) {
		return nil, errToken
	}
	return id, nil
}

// Authorize checks that the identity may act at an institution in one of the roles.
func (id *Identity) Authorize(institution string, roles ...string) error {
	if id.Institution != institution {
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "this account has no access to that institution")
	}
	for _, r := range roles {
		if id.Has(r) {
			return nil
		}
	}
	return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "this account's role (%s) may not do this", id.Role)
}
