// Package smtp sends Meldwijzer's notices through an SMTP server (a self-hosted server's relay),
// with the standard library's net/smtp. It upgrades to TLS with STARTTLS whenever the server
// offers it, and logs in only over TLS (or to a server on this machine).
package smtp

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"meldwijzer/notify"
)

// Sender delivers mail to one SMTP server.
type Sender struct {
	// Addr is the server, host:port.
	Addr string
	// From is the sender address (envelope and header).
	From string
	// Username and Password log in with AUTH PLAIN when set (from the environment: config).
	Username, Password string
	// TLS is the STARTTLS configuration (nil: the system's roots, ServerName the host of Addr).
	TLS *tls.Config
}

// New checks the addresses and returns a Sender.
func New(addr, from, username, password string) (*Sender, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("smtp: the server address must be host:port: %w", err)
	}
	if a, err := mail.ParseAddress(from); err != nil || a.Address != from {
		return nil, fmt.Errorf("smtp: the sender must be a plain address such as meldwijzer@school.nl, not %q", from)
	}
	return &Sender{Addr: addr, From: from, Username: username, Password: password}, nil
}

// Send delivers m, within ctx's deadline.
func (s *Sender) Send(ctx context.Context, m notify.Mail) error {
	host, _, _ := net.SplitHostPort(s.Addr)
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	} else {
		_ = conn.SetDeadline(time.Now().Add(notify.DefaultTimeout))
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if s.Username != "" {
		// PlainAuth refuses to send the password unless the connection is TLS or to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.message(m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is the mail as sent: headers and a quoted-printable UTF-8 body. Date is required by
// RFC 5322; it says when the mail was sent, which the receiving server records anyway.
func (s *Sender) message(m notify.Mail) []byte {
	var b strings.Builder
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	_, domain, _ := strings.Cut(s.From, "@")
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.From)
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	_ = qp.Close()
	return []byte(b.String())
}
