package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/config"
)

// The staff pages sign in at the hosted UI: the app client is a public one (no secret) with the
// authorization code grant only (Cognito takes PKCE from it), its callback and sign-out address
// is the staff page; the institution function tells the pages the hosted UI's endpoints; and only
// the staff pages may fetch from the hosted UI.
func TestStaffSignIn(t *testing.T) {
	_, tpl, res := synth(t)
	tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{
		"GenerateSecret":                  false,
		"AllowedOAuthFlows":               []any{"code"},
		"AllowedOAuthFlowsUserPoolClient": true,
		"AllowedOAuthScopes":              assertions.Match_ArrayWith(&[]any{"openid"}),
		"CallbackURLs":                    assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Fn::Join": assertions.Match_AnyValue()})}),
		"SupportedIdentityProviders":      assertions.Match_ArrayWith(&[]any{"COGNITO"}),
	})
	for _, c := range ofType(res, "AWS::Cognito::UserPoolClient") {
		for _, key := range []string{"CallbackURLs", "LogoutURLs"} {
			raw, _ := json.Marshal(c.Properties[key])
			if !strings.Contains(string(raw), `/instelling/`) {
				t.Errorf("%s %s, want the staff page https://<distribution>/instelling/", key, raw)
			}
		}
		if flows, _ := json.Marshal(c.Properties["AllowedOAuthFlows"]); string(flows) != `["code"]` {
			t.Errorf("flows %s: only the authorization code grant (no implicit)", flows)
		}
	}

	var institution map[string]any
	for _, fn := range ofType(res, "AWS::Lambda::Function") {
		env, _ := get(fn.Properties, "Environment", "Variables").(map[string]any)
		if env[config.EnvTokenAudience] != nil {
			institution = env
		}
	}
	for k, want := range map[string]string{
		config.EnvOIDCAuthorizationEndpoint: "/oauth2/authorize", config.EnvOIDCTokenEndpoint: "/oauth2/token", config.EnvOIDCEndSessionEndpoint: "/logout",
		config.EnvOIDCRevocationEndpoint: "/oauth2/revoke",
	} {
		raw, _ := json.Marshal(institution[k])
		if !strings.Contains(string(raw), "https://meldwijzer-test.auth.") || !strings.Contains(string(raw), want) {
			t.Errorf("%s = %s, want the hosted UI's %s", k, raw, want)
		}
	}

	// Two header policies: the strict one, and the staff pages' with the hosted UI in connect-src.
	var csps []string
	for _, p := range ofType(res, "AWS::CloudFront::ResponseHeadersPolicy") {
		raw, _ := json.Marshal(get(p.Properties, "ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "ContentSecurityPolicy", "ContentSecurityPolicy"))
		csps = append(csps, string(raw))
	}
	staff := 0
	for _, c := range csps {
		if strings.Contains(c, "https://meldwijzer-test.auth.") {
			staff++
			if !strings.Contains(c, `connect-src 'self' https://meldwijzer-test.auth.`) || strings.Contains(c, "*") {
				t.Errorf("staff CSP %s", c)
			}
		}
	}
	if len(csps) != 2 || staff != 1 {
		t.Errorf("CSPs %v: want the strict one and one for the staff pages", csps)
	}
	for _, d := range ofType(res, "AWS::CloudFront::Distribution") {
		raw, _ := json.Marshal(get(d.Properties, "DistributionConfig", "CacheBehaviors"))
		if !strings.Contains(string(raw), `"PathPattern":"/instelling/*"`) || !strings.Contains(string(raw), `"PathPattern":"/instelling"`) {
			t.Errorf("no /instelling behaviours: %s", raw)
		}
	}
}
