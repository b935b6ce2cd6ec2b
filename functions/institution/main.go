// Command institution serves institution staff: the handler's cases, the dashboard and the
// audit log (the institution routes of the route table), behind API Gateway's JWT authorizer;
// the function checks each token again against the user pool's JWKS.
//
// Environment: TABLE_NAME, SECRET_ARN (as the meldpunt function: replies go through the same
// service), JWKS_URL, TOKEN_ISSUER, TOKEN_AUDIENCE (the Cognito user pool and app client),
// RETENTION (optional), SUPPRESS_BELOW (optional, default 5).
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"meldwijzer/api"
	"meldwijzer/auth"
	"meldwijzer/content"
	"meldwijzer/internal/secret"
	"meldwijzer/lambdahttp"
	"meldwijzer/meldpunt"
	"meldwijzer/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := coldStart(context.Background(), log)
	if err != nil {
		log.Error("cold start failed", slog.Any("err", err))
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
}

// Config is the function's settings, read from the environment once per cold start.
type Config struct {
	Table, SecretARN, JWKSURL, Issuer, Audience string
	Retention                                   time.Duration
	K                                           int
}

func configFromEnv() (Config, error) {
	c := Config{Table: os.Getenv("TABLE_NAME"), SecretARN: os.Getenv("SECRET_ARN"), JWKSURL: os.Getenv("JWKS_URL"),
		Issuer: os.Getenv("TOKEN_ISSUER"), Audience: os.Getenv("TOKEN_AUDIENCE"), Retention: meldpunt.DefaultRetention}
	if c.Table == "" || c.SecretARN == "" || c.JWKSURL == "" || c.Issuer == "" || c.Audience == "" {
		return c, errors.New("TABLE_NAME, SECRET_ARN, JWKS_URL, TOKEN_ISSUER and TOKEN_AUDIENCE must be set")
	}
	if v := os.Getenv("RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, err
		}
		c.Retention = d
	}
	if v := os.Getenv("SUPPRESS_BELOW"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			return c, errors.New("SUPPRESS_BELOW must be a positive number")
		}
		c.K = k
	}
	return c, nil
}

func coldStart(ctx context.Context, log *slog.Logger) (*lambdahttp.Handler, error) {
	c, err := configFromEnv()
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	master, err := secret.Load(ctx, cfg, c.SecretARN)
	if err != nil {
		return nil, err
	}
	// The JWKS is fetched now and refreshed in the background by keyfunc.
	jwks, err := keyfunc.NewDefaultCtx(ctx, []string{c.JWKSURL})
	if err != nil {
		return nil, err
	}
	verifier := auth.NewVerifier(jwks.Keyfunc, c.Issuer, c.Audience)
	return newHandler(dynamo.New(dynamo.NewClient(cfg), c.Table), master, verifier, c, log)
}

// newHandler wires the function from its parts.
func newHandler(store *dynamo.Store, secret []byte, verifier *auth.Verifier, c Config, log *slog.Logger) (*lambdahttp.Handler, error) {
	keys, err := meldpunt.NewKeys(secret)
	if err != nil {
		return nil, err
	}
	bundle, err := content.Load(content.FS)
	if err != nil {
		return nil, err
	}
	srv := api.NewServer(api.Config{
		Content: bundle, Logger: log, Store: store, AuditLog: store, Verifier: verifier, K: c.K,
		Meldpunt: meldpunt.New(meldpunt.Config{Store: store, Keys: keys, Retention: c.Retention,
			Institution: func(id string) bool { return bundle.Institution(id) != nil }}),
	})
	return lambdahttp.New(srv.Handler(api.FunctionInstitution)), nil
}
