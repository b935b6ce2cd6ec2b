package smtp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldwijzer/internal/mailpit"
	"meldwijzer/notify"
	"meldwijzer/notify/smtp"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns their paths and a pool
// that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// A server that offers STARTTLS gets the mail over TLS: one that requires it accepts the mail,
// and a sender that does not trust its certificate sends nothing in the clear.
func TestStartTLSWhenOffered(t *testing.T) {
	cert, key, pool := selfSigned(t)
	srv := mailpit.Start(t, mailpit.Options{TLSCert: cert, TLSKey: key, RequireTLS: true})
	s, err := smtp.New(srv.SMTPAddr, "meldwijzer@meldwijzer.example", "", "")
	if err != nil {
		t.Fatal(err)
	}
	mail, _ := notify.Message("report")
	mail.To = "meldpunt@school.example"

	s.TLS = &tls.Config{ServerName: "127.0.0.1", RootCAs: pool, MinVersion: tls.VersionTLS12}
	if err := s.Send(context.Background(), mail); err != nil {
		t.Fatalf("Send over STARTTLS: %v", err)
	}
	s.TLS = nil // the system's roots do not trust the test certificate
	if err := s.Send(context.Background(), mail); err == nil {
		t.Error("Send to an untrusted certificate succeeded; it must not fall back to plain text")
	}
	msgs, err := srv.Messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].To[0] != "meldpunt@school.example" || !strings.Contains(msgs[0].Text, "Log in om die te lezen.") {
		t.Fatalf("received %+v", msgs)
	}
	if !strings.Contains(msgs[0].Raw, "Content-Type: text/plain; charset=utf-8") || !strings.Contains(msgs[0].Raw, "Auto-Submitted: auto-generated") {
		t.Errorf("raw mail: %s", msgs[0].Raw)
	}
}

func TestNewChecksAddresses(t *testing.T) {
	for _, c := range []struct{ addr, from string }{
		{"smtp.school.example", "m@school.example"},
		{"smtp.school.example:587", "Meldwijzer <m@school.example>"},
		{"smtp.school.example:587", ""},
	} {
		if _, err := smtp.New(c.addr, c.from, "", ""); err == nil {
			t.Errorf("New(%q, %q): no error", c.addr, c.from)
		}
	}
}
