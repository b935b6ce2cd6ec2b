package api

import (
	"net/http"
	"strings"

	"meldwijzer/auth"
)

// staffConfig tells the staff pages how staff sign in here: the OpenID Connect provider (null
// when there is none) and whether the demo sign-in is served. Public: it holds nothing secret
// (the client is a public one, without a secret; PKCE protects its codes).
func (s *Server) staffConfig(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, struct {
		OIDC *auth.Provider `json:"oidc"`
		Demo bool           `json:"demoSignIn"`
	}{s.signIn, s.demo && s.localSigner != nil})
	return nil
}

// StaffContentSecurityPolicy is the staff pages' policy: ContentSecurityPolicy with the sign-in
// provider's token endpoint origin (only that one) added to connect-src, for the code exchange
// and the refresh. The other pages keep ContentSecurityPolicy.
func StaffContentSecurityPolicy(providerOrigin string) string {
	if providerOrigin == "" {
		return ContentSecurityPolicy
	}
	return strings.Replace(ContentSecurityPolicy, "connect-src 'self'", "connect-src 'self' "+providerOrigin, 1)
}
