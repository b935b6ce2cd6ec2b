package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
)

// Provider is the OpenID Connect provider that staff sign in with, as the staff pages need it
// for the authorization code flow with PKCE (GET /api/v1/staff/config). On AWS it is the
// Cognito user pool behind its hosted UI (which federates SURFconext); a self-hosted server
// names any issuer with `serve -oidc-issuer`.
type Provider struct {
	Issuer                string `json:"issuer"`
	ClientID              string `json:"clientId"`
	AuthorizationEndpoint string `json:"authorizationEndpoint"`
	TokenEndpoint         string `json:"tokenEndpoint"`
	// EndSessionEndpoint ends the provider's session at sign-out (Cognito: /logout, which its
	// discovery document does not list).
	EndSessionEndpoint string `json:"endSessionEndpoint,omitempty"`
	// RevocationEndpoint (RFC 7009), on the token endpoint's origin, is where the page revokes
	// the refresh token at sign-out (Cognito's /logout ends the session but leaves it valid).
	RevocationEndpoint string `json:"revocationEndpoint,omitempty"`
	// Scope is what the page asks for: openid, and offline_access where the provider lists it
	// (a refresh token; Cognito gives one without asking and refuses scopes it does not know).
	Scope string `json:"scope"`
}

// DefaultScope is the scope asked of a provider that does not say what it supports.
const DefaultScope = "openid email profile"

// Check reports a provider that the staff pages cannot use: an issuer and a client id, and
// endpoints on https (http only on a loopback address, for a provider on this machine).
func (p *Provider) Check() error {
	if p.Issuer == "" || p.ClientID == "" {
		return errors.New("oidc: the issuer and the client id must be set")
	}
	if p.AuthorizationEndpoint == "" || p.TokenEndpoint == "" {
		return errors.New("oidc: the authorization and token endpoints must be set")
	}
	for _, u := range []string{p.Issuer, p.AuthorizationEndpoint, p.TokenEndpoint, p.EndSessionEndpoint} {
		if u != "" && origin(u) == "" {
			return fmt.Errorf("oidc: %q must be an https address (http only on a loopback address)", u)
		}
	}
	// The staff pages may fetch from one origin only (their Content-Security-Policy).
	if p.RevocationEndpoint != "" && origin(p.RevocationEndpoint) != p.Origin() {
		return fmt.Errorf("oidc: the revocation endpoint %q must be on the token endpoint's origin", p.RevocationEndpoint)
	}
	return nil
}

// Origin is the token endpoint's origin: the one address the staff pages fetch from outside
// their own (the Content-Security-Policy's connect-src).
func (p *Provider) Origin() string { return origin(p.TokenEndpoint) }

// origin is u's scheme://host[:port], or "" when u is neither https nor http on a loopback host.
func origin(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" || pu.User != nil || strings.ContainsAny(pu.Host, " ;'\"") {
		return ""
	}
	switch pu.Scheme {
	case "https":
	case "http":
		host := pu.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return ""
		}
	default:
		return ""
	}
	return pu.Scheme + "://" + pu.Host
}

// discovery is the part of an OpenID Provider's metadata (OpenID Connect Discovery 1.0 §3)
// that the staff pages and the verifier use.
type discovery struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	EndSessionEndpoint    string   `json:"end_session_endpoint"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	ScopesSupported       []string `json:"scopes_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
}

// Discover reads the issuer's /.well-known/openid-configuration and returns the provider for
// the staff pages and a verifier of its ID tokens for the client (aud = clientID), checked
// against the provider's JWKS, which is fetched now and refreshed in the background until ctx
// ends.
func Discover(ctx context.Context, issuer, clientID string) (*Provider, *Verifier, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("oidc: %w", err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("oidc: discovery: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("oidc: discovery: %s answered %s", req.URL, res.Status)
	}
	var d discovery
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("oidc: discovery: %w", err)
	}
	// The issuer in the document must be the one asked for, exactly (Discovery §4.3): tokens
	// are checked against it.
	if d.Issuer != issuer {
		return nil, nil, fmt.Errorf("oidc: discovery names the issuer %q, not %q", d.Issuer, issuer)
	}
	if len(d.CodeChallengeMethods) > 0 && !slices.Contains(d.CodeChallengeMethods, "S256") {
		return nil, nil, errors.New("oidc: the provider does not support PKCE with S256")
	}
	scope := "openid"
	if slices.Contains(d.ScopesSupported, "offline_access") {
		scope += " offline_access"
	}
	p := &Provider{Issuer: issuer, ClientID: clientID, AuthorizationEndpoint: d.AuthorizationEndpoint,
		TokenEndpoint: d.TokenEndpoint, EndSessionEndpoint: d.EndSessionEndpoint, Scope: scope}
	if origin(d.RevocationEndpoint) == p.Origin() {
		p.RevocationEndpoint = d.RevocationEndpoint
	}
	if err := p.Check(); err != nil {
		return nil, nil, err
	}
	if origin(d.JWKSURI) == "" {
		return nil, nil, fmt.Errorf("oidc: jwks_uri %q must be an https address", d.JWKSURI)
	}
	jwks, err := keyfunc.NewDefaultCtx(ctx, []string{d.JWKSURI})
	if err != nil {
		return nil, nil, fmt.Errorf("oidc: %w", err)
	}
	return p, NewVerifier(jwks.Keyfunc, issuer, clientID), nil
}

// Also makes v accept the tokens that other accepts too (the local key's and a provider's).
func (v *Verifier) Also(other *Verifier) { v.also = append(v.also, other) }
