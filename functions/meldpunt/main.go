// Command meldpunt is the reporting point's Lambda function: the meldpunt routes of the route
// table, behind API Gateway (HTTP API, payload 2.0), on DynamoDB.
//
// Environment (see package config): TABLE_NAME (the DynamoDB table), KEYS_TABLE and
// SEAL_KEY_ARN (the wrapped data keys and the KMS key that wraps them), SECRET_ARN (the Secrets
// Manager secret that holds the master secret, base64), RETENTION (optional, a Go duration;
// default 8760h), MAIL_FROM (optional: the SES sender of the meldpunt's notices).
package main

import (
	"context"
	"log/slog"
	"os"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/config"
	"meldwijzer/internal/cloud"
	"meldwijzer/lambdahttp"
)

func main() { lambdahttp.Main(coldStart) }

// coldStart reads the configuration and makes the AWS clients, once per cold start.
func coldStart(ctx context.Context, log *slog.Logger) (*lambdahttp.Handler, error) {
	c, err := config.FromEnv(os.Getenv, config.EnvTable, config.EnvKeysTable, config.EnvSealKeyARN, config.EnvSecretARN)
	if err != nil {
		return nil, err
	}
	parts, err := cloud.Open(ctx, c)
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Options{Functions: []string{api.FunctionMeldpunt}, Store: parts.Store, Sealer: parts.Sealer, Secret: parts.Secret, Demo: c.Demo,
		Notifier:  notifier(c, parts, log),
		Retention: c.Retention, Logger: log})
	if err != nil {
		return nil, err
	}
	return a.Lambda(parts.OriginSecret), nil
}
