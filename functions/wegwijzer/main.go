// Command wegwijzer is the guide's Lambda function: the wegwijzer and institution routes of
// the route table, behind API Gateway (HTTP API, payload 2.0). TABLE_NAME is the table it reads
// the institutions from (and nothing else).
package main

import (
	"context"
	"log/slog"
	"os"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/config"
	"meldwijzer/lambdahttp"
	"meldwijzer/store/dynamoread"
)

func main() {
	lambdahttp.Main(func(_ context.Context, log *slog.Logger) (*lambdahttp.Handler, error) { return newHandler(log) })
}

// newHandler wires the function once per cold start.
func newHandler(log *slog.Logger) (*lambdahttp.Handler, error) {
	c, err := config.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	o := app.Options{Functions: []string{api.FunctionWegwijzer}, Logger: log, Demo: c.Demo}
	if c.Table != "" {
		// The institutions (read only: GetItem and Query on their partitions, infra/access.go),
		// cached for catalog.TTL. Without a table, only the demo institutions in demo mode.
		// dynamoread, not store/dynamo: the SDK's DynamoDB client alone took most of this
		// function's cold start beyond a hello-world function's.
		cfg, err := config.LambdaAWS(os.Getenv)
		if err != nil {
			return nil, err
		}
		if o.Institutions, err = dynamoread.New(cfg, c.Table, dynamoread.Options{}); err != nil {
			return nil, err
		}
	}
	a, err := app.New(o)
	if err != nil {
		return nil, err
	}
	return a.Lambda(""), nil
}
