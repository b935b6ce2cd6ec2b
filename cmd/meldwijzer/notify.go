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
)

// mailer is the local server's notifier: the meldpunt's mails through the SMTP relay at addr
// (none when addr is empty), sent in the background with retries, and the daily deadline
// reminders. The relay's login comes from the environment (config), never from a flag.
func mailer(ctx context.Context, addr, from string, store app.Store, log *slog.Logger) (*notify.Mailer, notify.Registry, error) {
	if addr == "" {
		return nil, nil, nil
	}
	c, err := config.FromEnv(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	if from == "" {
		return nil, nil, errors.New("-smtp-addr needs -smtp-from, the sender address of the notices")
	}
	reg, ok := any(store).(notify.Registry)
	if !ok {
		return nil, nil, errors.New("-smtp-addr: this store keeps no institution records, so it has no meldpunt addresses to mail")
	}
	sender, err := smtp.New(addr, from, c.SMTPUsername, c.SMTPPassword)
	if err != nil {
		return nil, nil, err
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
