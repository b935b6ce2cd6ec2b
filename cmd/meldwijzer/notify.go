package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"meldwijzer/app"
	"meldwijzer/config"
	"meldwijzer/meldpunt"
	"meldwijzer/notify"
	"meldwijzer/notify/smtp"
	"meldwijzer/store/bolt"
	"meldwijzer/store/dynamo"
)

// smtpSender is the SMTP relay of -smtp-addr (nil when it is empty), checked before anything
// starts. The relay's login comes from the environment (config), never from a flag.
func smtpSender(addr, from string) (*smtp.Sender, error) {
	if addr == "" {
		return nil, nil
	}
	if from == "" {
		return nil, errors.New("-smtp-addr needs -smtp-from, the sender address of the notices")
	}
	c, err := config.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return smtp.New(addr, from, c.SMTPUsername, c.SMTPPassword)
}

// mailer is the local server's notifier: the meldpunt's mails through sender, in the background
// with retries, to the addresses in the store's institution records.
func mailer(sender *smtp.Sender, store app.Store, log *slog.Logger) (*notify.Mailer, notify.Registry, error) {
	if sender == nil {
		return nil, nil, nil
	}
	reg, ok := any(store).(notify.Registry)
	if !ok {
		return nil, nil, errors.New("-smtp-addr: this store keeps no institution records, so it has no meldpunt addresses to mail")
	}
	return notify.New(notify.Options{Sender: sender, Directory: reg, Logger: log, Background: true}), reg, nil
}

// remindDaily sends the deadline reminders every day at notify.RemindAt until ctx ends.
func remindDaily(ctx context.Context, reg notify.Registry, svc *meldpunt.Service, log *slog.Logger) {
	notify.Daily(ctx, time.Now, func(ctx context.Context) {
		n, err := notify.Remind(ctx, reg, svc)
		if err != nil {
			log.Error("deadline reminders", slog.Any("err", err))
		}
		log.Info("deadline reminders", slog.Int("institutions", n))
	})
}

// Both stores keep the institution records the mailer reads.
var (
	_ notify.Registry = (*bolt.Store)(nil)
	_ notify.Registry = (*dynamo.Store)(nil)
)
