// Command oidcprovider is a real OpenID Connect provider for the tests of the staff sign-in:
// zitadel/oidc's certified op package with its example in-memory storage and login page, plus
// what Meldwijzer needs: public clients (no secret, PKCE) for the staff pages, and the
// `institution` and `roles` claims in the ID token. Test use only: users and passwords are flags.
//
//	oidcprovider -addr 127.0.0.1:0 -client meldwijzer -client other \
//	  -redirect 'http://127.0.0.1:*/instelling/' -user 'vp@a:secret:roc-a:handler' -id-token-lifetime 5m
//
// It prints {"msg":"listening","issuer":"http://127.0.0.1:PORT"} on stderr when it is ready.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "oidcprovider:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	lifetime := flag.Duration("id-token-lifetime", time.Hour, "how long an ID token is valid")
	var clients, redirects, users list
	flag.Var(&clients, "client", "a public client id (repeatable)")
	flag.Var(&redirects, "redirect", "a redirect and post-logout redirect URI pattern of every client (repeatable; * matches a port)")
	flag.Var(&users, "user", "username:password:institution:role[,role] (repeatable)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	issuer := "http://" + ln.Addr().String()

	us := userStore{}
	claims := map[string]map[string]any{}
	for _, u := range users {
		f := strings.SplitN(u, ":", 4)
		if len(f) != 4 {
			return fmt.Errorf("-user %q: want username:password:institution:roles", u)
		}
		us[f[0]] = &storage.User{ID: f[0], Username: f[0], Password: f[1], FirstName: f[0], Email: f[0], EmailVerified: true}
		claims[f[0]] = map[string]any{"institution": f[2], "roles": strings.Split(f[3], ",")}
	}
	s := &store{Storage: storage.NewStorageWithClients(us, map[string]*storage.Client{}), clients: map[string]*client{}, claims: claims}
	for _, id := range clients {
		s.clients[id] = &client{id: id, redirects: redirects, lifetime: *lifetime}
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	router := exampleop.SetupServer(issuer, s, log, false)
	log.Warn("listening", slog.String("issuer", issuer))
	return (&http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

// store is the example storage with Meldwijzer's clients and claims.
type store struct {
	*storage.Storage
	clients map[string]*client
	claims  map[string]map[string]any
}

func (s *store) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if c, ok := s.clients[id]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("client %q not found", id)
}

// SetUserinfoFromRequest fills the ID token's claims: the example's, plus the user's
// institution and roles.
func (s *store) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	for k, v := range s.claims[req.GetSubject()] {
		info.AppendClaims(k, v)
	}
	return nil
}

// userStore is the example storage's UserStore over the -user flags.
type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User         { return u[id] }
func (u userStore) GetUserByUsername(name string) *storage.User { return u[name] }
func (u userStore) ExampleClientID() string                     { return storage.ServiceUserID }

// client is a public browser client: the authorization code flow with PKCE and refresh tokens,
// no secret. DevMode allows http redirect URIs on this machine.
type client struct {
	id        string
	redirects []string
	lifetime  time.Duration
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return nil }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeUserAgent }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *client) LoginURL(id string) string            { return "/login/username?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *client) DevMode() bool                        { return true }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }

// The redirect patterns (op.HasRedirectGlobs) let the test server's port vary.
func (c *client) RedirectURIGlobs() []string           { return c.redirects }
func (c *client) PostLogoutRedirectURIGlobs() []string { return c.redirects }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
