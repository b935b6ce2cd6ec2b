package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/api"
	"meldwijzer/config"
)

// hostedUI is the user pool's hosted sign-in address for the domain prefix (nil without one):
// the staff pages sign in there with the authorization code flow and PKCE, and SURFconext is
// federated behind it.
func hostedUI(stack awscdk.Stack, prefix string) *string {
	if prefix == "" {
		return nil
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://" + prefix + ".auth."), stack.Region(), jsii.String(".amazoncognito.com")})
}

// addSignIn tells the institution function (GET /api/v1/staff/config) the hosted UI's
// endpoints; the issuer and client id it already has (config.EnvTokenIssuer, EnvTokenAudience).
func addSignIn(env map[string]*string, ui *string) {
	for k, path := range map[string]string{
		config.EnvOIDCAuthorizationEndpoint: "/oauth2/authorize",
		config.EnvOIDCTokenEndpoint:         "/oauth2/token",
		config.EnvOIDCEndSessionEndpoint:    "/logout",
		config.EnvOIDCRevocationEndpoint:    "/oauth2/revoke",
	} {
		env[k] = awscdk.Fn_Join(jsii.String(""), &[]*string{ui, jsii.String(path)})
	}
}

// staffCSP is the staff pages' Content-Security-Policy: the hosted UI's origin (the token
// endpoint's) in connect-src, nothing else (nil without a hosted UI).
func staffCSP(ui *string) *string {
	if ui == nil {
		return nil
	}
	return jsii.String(api.StaffContentSecurityPolicy(*ui))
}
