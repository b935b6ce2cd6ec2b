package main

import (
	"log/slog"

	"meldwijzer/config"
	"meldwijzer/internal/cloud"
	"meldwijzer/meldpunt"
	"meldwijzer/notify"
	"meldwijzer/notify/ses"
)

// notifier mails the meldpunt through SES when the stack gave a sender (MAIL_FROM). A Lambda
// function's goroutines stop when it answers, so each mail is one attempt within a short
// timeout before the report's answer, and a failure is logged and dropped: the report is
// stored either way, and the daily reminders and the dashboard still show it.
func notifier(c config.Config, parts *cloud.Parts, log *slog.Logger) meldpunt.Notifier {
	if c.MailFrom == "" {
		return nil
	}
	dir, ok := any(parts.Store).(notify.Directory)
	if !ok {
		log.Warn("notices off: the store keeps no institution records")
		return nil
	}
	return notify.New(notify.Options{Sender: ses.New(parts.AWS, c.MailFrom), Directory: dir, Logger: log, Timeout: notify.LambdaTimeout})
}
