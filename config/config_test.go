package config_test

import (
	"strings"
	"testing"
	"time"

	"meldwijzer/config"
)

func TestFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := config.FromEnv(env(map[string]string{config.EnvTable: "t", config.EnvSecretARN: "arn", config.EnvRetention: "48h", config.EnvSuppressBelow: "10"}),
		config.EnvTable, config.EnvSecretARN)
	if err != nil {
		t.Fatal(err)
	}
	if c.Table != "t" || c.SecretARN != "arn" || c.Retention != 48*time.Hour || c.K != 10 {
		t.Fatalf("%+v", c)
	}
	_, err = config.FromEnv(env(nil), config.EnvTable, config.EnvJWKSURL)
	if err == nil || !strings.Contains(err.Error(), "TABLE_NAME, JWKS_URL must be set") {
		t.Fatalf("missing: %v", err)
	}
	for _, kv := range []map[string]string{{config.EnvRetention: "a year"}, {config.EnvRetention: "-1h"}, {config.EnvSuppressBelow: "0"}} {
		if _, err := config.FromEnv(env(kv)); err == nil {
			t.Errorf("%v: no error", kv)
		}
	}
}

// The staff pages' sign-in provider comes from the environment the CDK app sets.
func TestFromEnvSignIn(t *testing.T) {
	c, err := config.FromEnv(func(k string) string {
		return map[string]string{
			config.EnvTokenIssuer: "https://cognito-idp.eu-west-1.amazonaws.com/pool", config.EnvTokenAudience: "client",
			config.EnvOIDCAuthorizationEndpoint: "https://x.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
			config.EnvOIDCTokenEndpoint:         "https://x.auth.eu-west-1.amazoncognito.com/oauth2/token",
			config.EnvOIDCEndSessionEndpoint:    "https://x.auth.eu-west-1.amazoncognito.com/logout",
			config.EnvOIDCScope:                 "openid email",
		}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer == "" || c.Audience != "client" || !strings.HasSuffix(c.OIDCAuthorizationEndpoint, "/oauth2/authorize") ||
		!strings.HasSuffix(c.OIDCTokenEndpoint, "/oauth2/token") || !strings.HasSuffix(c.OIDCEndSessionEndpoint, "/logout") || c.OIDCScope != "openid email" {
		t.Fatalf("%+v", c)
	}
}
