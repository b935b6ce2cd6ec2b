// Command wegwijzer is the guide's Lambda function: the wegwijzer and institution routes of
// the route table, behind API Gateway (HTTP API, payload 2.0).
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/config"
	"meldwijzer/lambdahttp"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := newHandler(log)
	if err != nil {
		log.Error("content does not load", slog.Any("err", err))
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
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
