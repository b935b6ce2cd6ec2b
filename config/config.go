// Package config owns the environment variables that Meldwijzer reads, and parses them once. The
// Lambda functions and the local server read their settings through it; the CDK app (infra/)
// sets the same names from these constants, so a name is written once.
package config

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// The environment variables.
const (
	// EnvTable is the DynamoDB table of reports, counts and the audit log.
	EnvTable = "TABLE_NAME"
	// EnvKeysTable is the DynamoDB table of wrapped data keys (no backups, no point-in-time
	// recovery: deleting a key there deletes a report's text everywhere).
	EnvKeysTable = "KEYS_TABLE"
	// EnvSealKeyARN is the KMS key that wraps the data keys (seal/kms).
	EnvSealKeyARN = "SEAL_KEY_ARN"
	// EnvSecretARN names the Secrets Manager secret that holds the master secret (base64 text).
	EnvSecretARN = "SECRET_ARN"
	// EnvJWKSURL, EnvTokenIssuer and EnvTokenAudience describe the staff tokens (the Cognito
	// user pool's JWKS and issuer, and the dashboard's app client).
	EnvJWKSURL       = "JWKS_URL"
	EnvTokenIssuer   = "TOKEN_ISSUER"
	EnvTokenAudience = "TOKEN_AUDIENCE"
	// EnvOIDCAuthorizationEndpoint, EnvOIDCTokenEndpoint and EnvOIDCEndSessionEndpoint are the
	// sign-in provider's endpoints for the staff pages (the Cognito hosted UI's /oauth2/authorize,
	// /oauth2/token and /logout), and EnvOIDCRevocationEndpoint its /oauth2/revoke; its issuer and client id are EnvTokenIssuer and
	// EnvTokenAudience. EnvOIDCScope is the scope the pages ask for (optional). Without the
	// endpoints the staff pages have no sign-in button.
	EnvOIDCAuthorizationEndpoint = "OIDC_AUTHORIZATION_ENDPOINT"
	EnvOIDCTokenEndpoint         = "OIDC_TOKEN_ENDPOINT"
	EnvOIDCEndSessionEndpoint    = "OIDC_END_SESSION_ENDPOINT"
	EnvOIDCRevocationEndpoint    = "OIDC_REVOCATION_ENDPOINT"
	EnvOIDCScope                 = "OIDC_SCOPE"
	// EnvRetention is how long a closed report's text is kept, a Go duration (optional).
	EnvRetention = "RETENTION"
	// EnvSuppressBelow is the smallest count a dashboard shows (optional, default 5).
	EnvSuppressBelow = "SUPPRESS_BELOW"
	// EnvOriginSecretARN names the Secrets Manager secret (plain text) that CloudFront sends to the
	// API in lambdahttp.OriginSecretHeader; a request without it is refused (optional: without
	// it the functions trust no forwarded address).
	EnvOriginSecretARN = "ORIGIN_SECRET_ARN"
	// EnvDemo, "true", serves the fictitious demo institutions (a demo stack; never a real one).
	EnvDemo = "DEMO"
	// EnvMailFrom is the sender address of the meldpunt's notices (on AWS: the SES identity's
	// address, which the functions' role may send from and nothing else). Without it no notice
	// is mailed.
	EnvMailFrom = "MAIL_FROM"
	// EnvSMTPUsername and EnvSMTPPassword log the local server in at its SMTP relay (serve
	// -smtp-addr); optional. Secrets stay out of flags, which other users can see in ps.
	EnvSMTPUsername = "SMTP_USERNAME"
	EnvSMTPPassword = "SMTP_PASSWORD"
	// EnvUserPoolID is the staff user pool whose groups are the roles a school's admin grants
	// (the members routes); unset on a server without one.
	EnvUserPoolID = "USER_POOL_ID"
	// EnvDynamoDBEndpoint is the AWS SDK's own endpoint override, set for DynamoDB Local.
	EnvDynamoDBEndpoint = "AWS_ENDPOINT_URL_DYNAMODB"
)

// Config is the settings read from the environment.
type Config struct {
	Table           string
	KeysTable       string
	SealKeyARN      string
	SecretARN       string
	OriginSecretARN string
	JWKSURL         string
	Issuer          string
	Audience        string
	// The sign-in provider's endpoints and scope (the EnvOIDC* variables).
	OIDCAuthorizationEndpoint, OIDCTokenEndpoint, OIDCEndSessionEndpoint, OIDCRevocationEndpoint, OIDCScope string
	// Retention is 0 when not set (the meldpunt's default applies).
	Retention time.Duration
	// K is the smallest count a dashboard shows (0 when not set: dashboard.DefaultK applies).
	K int
	// Demo serves the demo institutions.
	Demo bool
	// MailFrom sends the notices; SMTPUsername and SMTPPassword log in at an SMTP relay.
	MailFrom                   string
	SMTPUsername, SMTPPassword string
	// UserPoolID is the staff user pool ("" when roles are not granted here).
	UserPoolID string
}

// FromEnv reads every variable with getenv (os.Getenv) and fails when one of required is empty
// or a value does not parse.
func FromEnv(getenv func(string) string, required ...string) (Config, error) {
	c := Config{
		Table: getenv(EnvTable), KeysTable: getenv(EnvKeysTable), SealKeyARN: getenv(EnvSealKeyARN), SecretARN: getenv(EnvSecretARN), OriginSecretARN: getenv(EnvOriginSecretARN), JWKSURL: getenv(EnvJWKSURL),
		Issuer: getenv(EnvTokenIssuer), Audience: getenv(EnvTokenAudience), Demo: getenv(EnvDemo) == "true",
		MailFrom: getenv(EnvMailFrom), SMTPUsername: getenv(EnvSMTPUsername), SMTPPassword: getenv(EnvSMTPPassword),
		OIDCAuthorizationEndpoint: getenv(EnvOIDCAuthorizationEndpoint), OIDCTokenEndpoint: getenv(EnvOIDCTokenEndpoint),
		OIDCEndSessionEndpoint: getenv(EnvOIDCEndSessionEndpoint), OIDCRevocationEndpoint: getenv(EnvOIDCRevocationEndpoint),
		OIDCScope:  getenv(EnvOIDCScope),
		UserPoolID: getenv(EnvUserPoolID),
	}
	var missing []string
	for _, name := range required {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("config: %s must be set", strings.Join(missing, ", "))
	}
	if v := getenv(EnvRetention); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("config: %s must be a positive Go duration (such as 8760h), not %q", EnvRetention, v)
		}
		c.Retention = d
	}
	if v := c.MailFrom; v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return c, fmt.Errorf("config: %s must be a plain address such as meldwijzer@school.nl, not %q", EnvMailFrom, v)
		}
	}
	if v := getenv(EnvSuppressBelow); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			return c, fmt.Errorf("config: %s must be a positive number, not %q", EnvSuppressBelow, v)
		}
		c.K = k
	}
	return c, nil
}
