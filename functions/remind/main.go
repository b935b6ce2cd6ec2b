// Command remind is the daily deadline reminder, invoked by an EventBridge schedule (not
// behind API Gateway). It mails each institution's meldpunt whose open reports have a deadline
// two days away: "Over twee dagen verloopt een termijn", nothing more. It reads the
// institutions and their deadline counts (one query per institution), never a report.
//
// Environment (see package config): TABLE_NAME, MAIL_FROM (the SES sender).
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"meldwijzer/config"
	"meldwijzer/internal/cloud"
	"meldwijzer/meldpunt"
	"meldwijzer/notify"
	"meldwijzer/notify/ses"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	run, err := coldStart(context.Background(), log)
	if err != nil {
		log.Error("cold start failed", slog.Any("err", err))
		os.Exit(1)
	}
	lambda.Start(run)
}

// coldStart wires the reminder job; the returned function runs it once per invocation.
func coldStart(ctx context.Context, log *slog.Logger) (func(context.Context) error, error) {
	c, err := config.FromEnv(os.Getenv, config.EnvTable, config.EnvMailFrom)
	if err != nil {
		return nil, err
	}
	parts, err := cloud.Open(ctx, c)
	if err != nil {
		return nil, err
	}
	reg, ok := any(parts.Store).(notify.Registry)
	if !ok {
		return nil, errors.New("remind: the store keeps no institution records")
	}
	mailer := notify.New(notify.Options{Sender: ses.New(parts.AWS, c.MailFrom), Directory: reg, Logger: log, Timeout: notify.LambdaTimeout})
	svc := meldpunt.New(meldpunt.Config{Store: parts.Store, Notifier: mailer})
	return func(ctx context.Context) error {
		n, err := notify.Remind(ctx, reg, svc)
		log.Info("deadline reminders", slog.Int("institutions", n))
		return err
	}, nil
}
