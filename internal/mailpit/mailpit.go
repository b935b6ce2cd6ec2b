// Package mailpit runs a real SMTP server for tests: Mailpit (github.com/axllent/mailpit, pinned in
// tools/go.mod), built once with the go command into the user's cache directory and started on
// free loopback ports. Tests read what it received through its HTTP API.
//
// It never skips: when the go command or the module cannot build it, the test fails with a hint.
package mailpit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"meldwijzer/internal/headbuf"
)

// Hint is what a failure to build or start says about how to fix it.
const Hint = "Mailpit is built from tools/go.mod (`cd tools && go build github.com/axllent/mailpit`); it needs the Go module proxy or a filled module cache"

// Options choose how the server listens.
type Options struct {
	// TLSCert and TLSKey (PEM files) make it offer STARTTLS; RequireTLS refuses mail without it.
	TLSCert, TLSKey string
	RequireTLS      bool
}

// Server is a running Mailpit.
type Server struct {
	// SMTPAddr is host:port of its SMTP server; URL the base of its HTTP API.
	SMTPAddr string
	URL      string

	cmd    *exec.Cmd
	exited chan struct{}
	out    *headbuf.Buffer
	dir    string
}

// Start launches Mailpit for the test and stops it in t.Cleanup.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := Launch(o)
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Launch builds (once) and starts Mailpit; Stop ends it.
func Launch(o Options) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mailpit-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		SMTPAddr: "127.0.0.1:" + strconv.Itoa(smtpPort), URL: "http://127.0.0.1:" + strconv.Itoa(httpPort),
		exited: make(chan struct{}), out: &headbuf.Buffer{Max: 8 << 10}, dir: dir,
	}
	args := []string{"--smtp", s.SMTPAddr, "--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--smtp-disable-rdns", "--quiet"}
	if o.TLSCert != "" {
		args = append(args, "--smtp-tls-cert", o.TLSCert, "--smtp-tls-key", o.TLSKey)
		if o.RequireTLS {
			args = append(args, "--smtp-require-starttls")
		}
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w (%s)", err, Hint)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get(s.URL + "/api/v1/messages"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			s.Stop()
			return nil, fmt.Errorf("mailpit exited: %s", s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("mailpit did not answer within 15s: %s", s.out.String())
		}
	}
}

// Stop ends the server and removes its data.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// Message is a received mail as Mailpit parsed it.
type Message struct {
	ID      string
	To      []string
	Subject string
	// Text is the decoded plain-text body; Raw the whole mail as received (headers included).
	Text string
	Raw  string
}

// Messages returns every received mail, oldest first.
func (s *Server) Messages() ([]Message, error) {
	var list struct {
		Messages []struct {
			ID string
		}
	}
	if err := s.get("/api/v1/messages?limit=1000", &list); err != nil {
		return nil, err
	}
	var out []Message
	for i := len(list.Messages) - 1; i >= 0; i-- { // the API lists newest first
		var m struct {
			ID      string
			Subject string
			Text    string
			To      []struct{ Address string }
		}
		if err := s.get("/api/v1/message/"+list.Messages[i].ID, &m); err != nil {
			return nil, err
		}
		msg := Message{ID: m.ID, Subject: m.Subject, Text: m.Text}
		for _, a := range m.To {
			msg.To = append(msg.To, a.Address)
		}
		raw, err := s.raw("/api/v1/message/" + m.ID + "/raw")
		if err != nil {
			return nil, err
		}
		msg.Raw = raw
		out = append(out, msg)
	}
	return out, nil
}

// Clear deletes every received mail.
func (s *Server) Clear() error {
	req, _ := http.NewRequest(http.MethodDelete, s.URL+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit: DELETE messages: %s", resp.Status)
	}
	return nil
}

func (s *Server) get(path string, v any) error {
	b, err := s.raw(path)
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(b), v)
}

func (s *Server) raw(path string) (string, error) {
	resp, err := http.Get(s.URL + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("mailpit: GET %s: %s", path, resp.Status)
	}
	return b.String(), nil
}

var moduleVersion = regexp.MustCompile(`(?m)^\s*github\.com/axllent/mailpit (v\S+)`)

// Binary returns the path of the Mailpit binary of the version tools/go.mod pins, building it
// into the user's cache directory when it is not there (the first build takes about a minute,
// almost all of it the pure-Go SQLite; later runs find the binary).
func Binary() (string, error) {
	tools, err := toolsDir()
	if err != nil {
		return "", err
	}
	mod, err := os.ReadFile(filepath.Join(tools, "go.mod"))
	if err != nil {
		return "", err
	}
	v := moduleVersion.FindSubmatch(mod)
	if v == nil {
		return "", fmt.Errorf("tools/go.mod does not require github.com/axllent/mailpit (%s)", Hint)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "meldwijzer", "mailpit-"+string(v[1]))
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	// Test packages run in parallel: one builds, the others wait for it and find the binary.
	unlock, err := lock(bin + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	// Built beside its final name and renamed, so that packages that build it at the same time
	// never run a half-written file.
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", tmp, "github.com/axllent/mailpit")
	cmd.Dir = tools
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("go build mailpit: %v: %s (%s)", err, out, Hint)
	}
	return bin, os.Rename(tmp, bin)
}

// toolsDir finds tools/ (with its own go.mod) above the working directory.
func toolsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "go.mod")); err == nil {
			return filepath.Join(dir, "tools"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("mailpit: no tools/go.mod above the working directory")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
