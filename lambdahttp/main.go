package lambdahttp

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

// Main is every function's main: it builds the handler once per cold start with coldStart,
// logging as JSON to standard output, and then serves API Gateway events. A failed cold start is
// logged and ends the process, so that Lambda reports the init error.
func Main(coldStart func(context.Context, *slog.Logger) (*Handler, error)) {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := coldStart(context.Background(), log)
	if err != nil {
		log.Error("cold start failed", slog.Any("err", err))
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
}
