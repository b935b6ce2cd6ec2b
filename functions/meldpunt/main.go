// Command meldpunt is the reporting point's Lambda function: the meldpunt routes of the route
// table, behind API Gateway (HTTP API, payload 2.0), on DynamoDB.
//
// Environment: TABLE_NAME (the DynamoDB table), SECRET_ARN (the Secrets Manager secret that
// holds the master secret, base64), RETENTION (optional, a Go duration; default 8760h).
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"meldwijzer"
	"meldwijzer/api"
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

// coldStart reads the configuration and makes the AWS clients, once per cold start.
func coldStart(ctx context.Context, log *slog.Logger) (*lambdahttp.Handler, error) {
	table, secretARN := os.Getenv("TABLE_NAME"), os.Getenv("SECRET_ARN")
	if table == "" || secretARN == "" {
		return nil, errors.New("TABLE_NAME and SECRET_ARN must be set")
	}
	retention := meldpunt.DefaultRetention
	if v := os.Getenv("RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, err
		}
		retention = d
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	master, err := secret.Load(ctx, cfg, secretARN)
	if err != nil {
		return nil, err
	}
	return newHandler(dynamo.New(dynamo.NewClient(cfg), table), master, retention, log)
}

// newHandler wires the function from its parts.
func newHandler(store meldwijzer.ReportStore, secret []byte, retention time.Duration, log *slog.Logger) (*lambdahttp.Handler, error) {
	keys, err := meldpunt.NewKeys(secret)
	if err != nil {
		return nil, err
	}
	// The meldpunt needs the institutions from the content, not the guide.
	bundle, err := content.Load(content.FS)
	if err != nil {
		return nil, err
	}
	srv := api.NewServer(api.Config{
		Content: bundle, Logger: log,
		Meldpunt: meldpunt.New(meldpunt.Config{Store: store, Keys: keys, Retention: retention,
			Institution: func(id string) bool { return bundle.Institution(id) != nil }}),
	})
	return lambdahttp.New(srv.Handler(api.FunctionMeldpunt)), nil
}
