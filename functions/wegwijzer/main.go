// Command wegwijzer is the guide's Lambda function: the wegwijzer and institution routes of
// the route table, behind API Gateway (HTTP API, payload 2.0).
package main

import (
	"context"
	"log/slog"
	"os"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/config"
	"meldwijzer/lambdahttp"
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
	a, err := app.New(app.Options{Functions: []string{api.FunctionWegwijzer}, Logger: log, Demo: c.Demo})
	if err != nil {
		return nil, err
	}
	return a.Lambda(""), nil
}
