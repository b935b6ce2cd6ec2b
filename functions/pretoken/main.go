// Command pretoken is the Cognito user pool's pre-token-generation trigger (package signin): it
// puts the institution and roles in a staff member's ID token, from the institutions' registered
// domains and group mappings and the pool's role groups. It is not behind API Gateway; Cognito
// invokes it at every sign-in and token refresh.
//
// Environment (see package config): TABLE_NAME. Its role may read only the domain index items of
// the table (infra/access.go).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"meldwijzer/config"
	"meldwijzer/signin"
	"meldwijzer/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	t, err := coldStart(context.Background(), log)
	if err != nil {
		log.Error("cold start failed", slog.Any("err", err))
		os.Exit(1)
	}
	lambda.Start(t.Handle)
}

func coldStart(ctx context.Context, log *slog.Logger) (*signin.Trigger, error) {
	c, err := config.FromEnv(os.Getenv, config.EnvTable)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LambdaAWS(os.Getenv)
	if err != nil {
		return nil, err
	}
	var store any = dynamo.New(dynamo.NewClient(cfg), c.Table)
	lookup, ok := store.(signin.Lookup)
	if !ok {
		return nil, fmt.Errorf("pretoken: the DynamoDB store cannot look institutions up by domain")
	}
	return &signin.Trigger{Institutions: lookup, Log: log}, nil
}
