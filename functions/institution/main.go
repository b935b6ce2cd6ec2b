// Command institution serves institution staff: the handler's cases, the dashboard and the
// audit log (the institution routes of the route table), behind API Gateway's JWT authorizer;
// the function checks each token again against the user pool's JWKS.
//
// Environment (see package config): TABLE_NAME, KEYS_TABLE and SEAL_KEY_ARN (the wrapped
// data keys and the KMS key that wraps them: replies are sealed, cases opened), SECRET_ARN
// (as the meldpunt function: replies go through the same service), JWKS_URL, TOKEN_ISSUER, TOKEN_AUDIENCE (the Cognito user pool
// and app client), OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_END_SESSION_ENDPOINT
// OIDC_REVOCATION_ENDPOINT and OIDC_SCOPE (the hosted UI the staff pages sign in with; optional), RETENTION (optional),
// SUPPRESS_BELOW (optional, default 5), USER_POOL_ID (the pool whose groups a school's admin
// grants: the members routes).
package main

import (
	"cmp"
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/auth"
	"meldwijzer/catalog"
	"meldwijzer/config"
	"meldwijzer/internal/cloud"
	"meldwijzer/lambdahttp"
	"meldwijzer/members"
	"meldwijzer/members/cognito"
)

func main() { lambdahttp.Main(coldStart) }

func coldStart(ctx context.Context, log *slog.Logger) (*lambdahttp.Handler, error) {
	// No master secret: the institution side derives no receipt (least privilege, finding 8).
	c, err := config.FromEnv(os.Getenv, config.EnvTable, config.EnvKeysTable, config.EnvSealKeyARN,
		config.EnvJWKSURL, config.EnvTokenIssuer, config.EnvTokenAudience)
	if err != nil {
		return nil, err
	}
	parts, err := cloud.Open(ctx, c)
	if err != nil {
		return nil, err
	}
	// The JWKS is fetched now and refreshed in the background by keyfunc.
	jwks, err := keyfunc.NewDefaultCtx(ctx, []string{c.JWKSURL})
	if err != nil {
		return nil, err
	}
	// Who has access: the pool's groups are the roles a school's admin grants.
	var dir members.Directory
	if c.UserPoolID != "" {
		dir = cognito.New(cip.NewFromConfig(parts.AWS), c.UserPoolID)
	}
	signIn, err := signInProvider(c)
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Options{Functions: []string{api.FunctionInstitution}, Store: parts.Store, Sealer: parts.Sealer, Demo: c.Demo, SignIn: signIn, Members: dir,
		Verifier: auth.NewVerifier(jwks.Keyfunc, c.Issuer, c.Audience), Retention: c.Retention, K: c.K, Logger: log})
	if err != nil {
		return nil, err
	}
	if c.Demo {
		// A demo stack's demo institutions are written once (an admin's edits are kept).
		if _, err := catalog.SeedDemo(ctx, parts.Store, a.Content.DemoSeed(time.Now().UTC().Truncate(time.Millisecond))); err != nil {
			return nil, err
		}
	}
	return a.Lambda(parts.OriginSecret), nil
}

// signInProvider is the hosted UI the staff pages sign in with (nil when the stack has no
// domain): the same issuer and client as the tokens checked here.
func signInProvider(c config.Config) (*auth.Provider, error) {
	if c.OIDCTokenEndpoint == "" && c.OIDCAuthorizationEndpoint == "" {
		return nil, nil
	}
	p := &auth.Provider{Issuer: c.Issuer, ClientID: c.Audience, AuthorizationEndpoint: c.OIDCAuthorizationEndpoint,
		TokenEndpoint: c.OIDCTokenEndpoint, EndSessionEndpoint: c.OIDCEndSessionEndpoint,
		RevocationEndpoint: c.OIDCRevocationEndpoint, Scope: cmp.Or(c.OIDCScope, auth.DefaultScope)}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return p, nil
}
