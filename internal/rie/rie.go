// Package rie runs a Lambda bootstrap under the AWS Lambda Runtime Interface Emulator
// (aws-lambda-rie) for tests, on two free loopback ports, and invokes it over HTTP as the Lambda
// service would.
//
// An arm64 bootstrap (what we deploy) runs on an amd64 host through qemu-user-static
// (`aws-lambda-rie ... /usr/bin/qemu-aarch64-static ./bootstrap`), so the tests run the very
// binary that `make build` zips.
//
// Like internal/dynamolocal it never skips: a missing emulator fails the test with the command
// that installs it, so that CI cannot pass by silently not testing the functions.
//
// The function sees only the environment passed to Start plus a few Lambda-like defaults
// (defaultEnv); nothing from the host, in particular no AWS profile, credentials or config file.
package rie

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"maps"
	"meldwijzer/internal/headbuf"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Version is the pinned emulator (its repository has no semver tags).
const Version = "v0.0.0-20261030222936-bef5c4ba774d"

// InstallCommand installs the emulator into $(go env GOPATH)/bin (or $GOBIN).
const InstallCommand = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@" + Version

// QemuInstallCommand installs the user-mode emulators that run a bootstrap built for another
// architecture (Debian/Ubuntu, as root).
const QemuInstallCommand = "apt-get install -y --no-install-recommends qemu-user-static"

// ListenTimeout is how long Invoke keeps retrying while the emulator is not yet listening.
const ListenTimeout = 10 * time.Second

// InvokeTimeout bounds one invocation (an emulated arm64 cold start takes well under a second).
const InvokeTimeout = 2 * time.Minute

// invocationsPath is the Lambda Invoke API path the emulator serves.
const invocationsPath = "/2015-03-31/functions/function/invocations"

// emulatorDirs are searched for qemu-*-static when it is not on PATH (tests override it).
var emulatorDirs = []string{"/usr/bin", "/usr/local/bin"}

// Function is a bootstrap running under the emulator.
type Function struct {
	// Name is the function's name (AWS_LAMBDA_FUNCTION_NAME): the bootstrap's directory when the
	// file is called bootstrap (build/<name>/bootstrap), else the file's name.
	Name string
	// URL is the emulator's invocations endpoint.
	URL string
	// RuntimeAPI is the address of the Runtime API the bootstrap talks to.
	RuntimeAPI string
	// Emulated is the qemu binary the bootstrap runs under, or "" when it runs natively.
	Emulated string

	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{}
	out     *headbuf.Buffer
	client  *http.Client

	mu        sync.Mutex // one invocation at a time, as in one Lambda execution environment
	coldStart time.Duration
	stopOnce  sync.Once
	shown     atomic.Bool // the output went into a failure message already
}

// defaultEnv is what the function sees unless Start's env says otherwise: what Lambda sets and the
// functions need (region, PATH, TZ), and settings that keep the host's AWS configuration out
// (config and credentials files that do not exist, no instance metadata lookups).
// The emulator adds AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_* and AWS_LAMBDA_LOG_*.
func defaultEnv(noFiles string) map[string]string {
	return map[string]string{
		"PATH":                        "/usr/local/bin:/usr/bin:/bin",
		"TZ":                          ":UTC",
		"AWS_REGION":                  "eu-west-1",
		"AWS_DEFAULT_REGION":          "eu-west-1",
		"AWS_CONFIG_FILE":             filepath.Join(noFiles, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(noFiles, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// Start runs bootstrapPath under aws-lambda-rie with env (over defaultEnv) and ends it, with
// everything it started, in t.Cleanup. The emulator initialises the function lazily, on the first
// Invoke, as Lambda does on a cold start. Start fails the test (never skips) when the emulator, or
// qemu for a foreign-architecture bootstrap, is missing.
func Start(t testing.TB, bootstrapPath string, env map[string]string) *Function {
	t.Helper()
	f, err := start(t.TempDir(), bootstrapPath, env)
	if err != nil {
		t.Fatalf("rie: %v", err)
	}
	t.Cleanup(func() {
		f.Stop()
		if t.Failed() && !f.shown.Load() {
			t.Logf("rie: %s output:\n%s", f.Name, f.Output())
		}
	})
	return f
}

func start(tmp, bootstrapPath string, env map[string]string) (*Function, error) {
	rie, err := findRIE()
	if err != nil {
		return nil, err
	}
	bootstrap, err := filepath.Abs(bootstrapPath)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(bootstrap); err != nil {
		return nil, err
	} else if st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("%s is not an executable file", bootstrap)
	}
	command := []string{bootstrap}
	qemu, err := emulatorFor(bootstrap)
	if err != nil {
		return nil, err
	}
	if qemu != "" {
		command = []string{qemu, bootstrap}
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, fmt.Errorf("no free ports: %w", err)
	}
	f := &Function{
		Name:       functionName(bootstrap),
		URL:        "http://127.0.0.1:" + strconv.Itoa(ports[0]) + invocationsPath,
		RuntimeAPI: "127.0.0.1:" + strconv.Itoa(ports[1]),
		Emulated:   qemu,
		exited:     make(chan struct{}),
		out:        &headbuf.Buffer{Max: 1 << 20},
		client: &http.Client{Timeout: InvokeTimeout, Transport: &http.Transport{
			Proxy:       nil, // never a host proxy: the emulator is on loopback
			DialContext: (&net.Dialer{Timeout: time.Second}).DialContext,
		}},
	}

	all := defaultEnv(tmp)
	all["AWS_LAMBDA_FUNCTION_NAME"] = f.Name
	maps.Copy(all, env)
	environ := make([]string, 0, len(all))
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if k == "" || strings.Contains(k, "=") {
			return nil, fmt.Errorf("invalid environment variable name %q", k)
		}
		environ = append(environ, k+"="+all[k])
	}

	args := append([]string{
		"--runtime-interface-emulator-address", "127.0.0.1:" + strconv.Itoa(ports[0]),
		"--runtime-api-address", f.RuntimeAPI,
	}, command...)
	f.cmd = exec.Command(rie, args...)
	f.cmd.Env = environ
	f.cmd.Dir = filepath.Dir(bootstrap) // as /var/task
	f.cmd.Stdout, f.cmd.Stderr = f.out, f.out
	f.cmd.SysProcAttr = sysProcAttr()
	f.started = time.Now()
	if err := f.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", rie, err)
	}
	go func() { _ = f.cmd.Wait(); close(f.exited) }()
	return f, nil
}

// Invoke sends eventJSON to the function as the Lambda Invoke API would and returns the
// function's response payload. While the emulator is not yet listening it retries (connection
// refused only, so that an event is never delivered twice) for up to ListenTimeout. It fails the
// test when the emulator exits or answers with anything but 200. A handler's error comes back
// as Lambda's error payload ({"errorMessage":...,"errorType":...}) with status 200, as from Lambda.
func (f *Function) Invoke(t testing.TB, eventJSON []byte) []byte {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	deadline := time.Now().Add(ListenTimeout)
	var res *http.Response
	for {
		var err error
		res, err = f.client.Post(f.URL, "application/json", bytes.NewReader(eventJSON))
		if err == nil {
			break
		}
		select {
		case <-f.exited:
			f.fatalf(t, "the emulator exited (%v) before answering: %v", f.cmd.ProcessState, err)
		default:
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			f.fatalf(t, "invoke: %v", err)
		}
		if time.Now().After(deadline) {
			f.fatalf(t, "the emulator did not listen within %v: %v", ListenTimeout, err)
		}
		time.Sleep(2 * time.Millisecond) // a refused connect costs microseconds; keep the cold start exact
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		f.fatalf(t, "reading the answer: %v", err)
	}
	if f.coldStart == 0 {
		f.coldStart = time.Since(f.started)
	}
	if res.StatusCode != http.StatusOK {
		f.fatalf(t, "the emulator answered %s: %s", res.Status, body)
	}
	return body
}

// fatalf fails the test with the emulator's output so far.
func (f *Function) fatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	f.shown.Store(true)
	t.Fatalf("rie: %s: %s\n--- output ---\n%s", f.Name, fmt.Sprintf(format, args...), f.Output())
}

// ColdStart is the time from starting the emulator to the first answer: the emulator's own
// start, the bootstrap's init (under qemu when emulated) and the first invocation. It is zero
// before the first Invoke.
func (f *Function) ColdStart() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.coldStart
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the init phase as the emulator reports it (INIT REPORT durationMs: from
// starting the bootstrap until it asks for its first event), or zero before the first Invoke.
// The emulator's REPORT line says "Init Duration: 0.x ms" whatever the init took; this is the
// real figure.
func (f *Function) InitDuration() time.Duration {
	m := initReport.FindStringSubmatch(f.out.String())
	if m == nil {
		return 0
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// Output is what the emulator and the function wrote so far (the first MiB): the emulator's
// log lines and the function's own log.
func (f *Function) Output() string { return f.out.String() }

// Stop kills the emulator and everything it started (the emulator runs the bootstrap in a
// process group of its own, so both groups are ended), and waits for the emulator to exit.
// t.Cleanup calls it; it is safe to call more than once.
func (f *Function) Stop() {
	f.stopOnce.Do(func() {
		pid := f.cmd.Process.Pid
		for _, d := range descendants(pid) {
			killGroup(d)
		}
		killGroup(pid)
		select {
		case <-f.exited:
		case <-time.After(5 * time.Second):
		}
		f.client.CloseIdleConnections()
	})
}

// functionName is build/<name>/bootstrap's <name>, or the file's own name.
func functionName(bootstrap string) string {
	if base := filepath.Base(bootstrap); base != "bootstrap" {
		return base
	}
	return filepath.Base(filepath.Dir(bootstrap))
}

// findRIE looks for aws-lambda-rie on PATH, in $GOBIN and in each $(go env GOPATH)/bin.
func findRIE() (string, error) {
	const name = "aws-lambda-rie"
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := goEnv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, gp := range filepath.SplitList(goEnv("GOPATH")) {
		if gp != "" {
			dirs = append(dirs, filepath.Join(gp, "bin"))
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not on PATH nor in %s: install it with `%s`", name, strings.Join(dirs, ", "), InstallCommand)
}

// goEnv asks the go command (which knows the defaults), falling back to the environment.
func goEnv(key string) string {
	if goCmd, err := exec.LookPath("go"); err == nil {
		if out, err := exec.Command(goCmd, "env", key).Output(); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	if v := os.Getenv(key); v != "" || key != "GOPATH" {
		return v
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go")
	}
	return ""
}

// emulatorFor returns the qemu-user-static binary that runs bootstrap on this host, or "" when it
// runs natively (the host's architecture, or not an ELF file such as a script).
func emulatorFor(bootstrap string) (string, error) {
	ef, err := elf.Open(bootstrap)
	if err != nil {
		return "", nil
	}
	machine := ef.Machine
	ef.Close()
	arch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[machine]
	if arch == runtime.GOARCH && runtime.GOOS == "linux" {
		return "", nil
	}
	qemu := map[elf.Machine]string{elf.EM_X86_64: "qemu-x86_64-static", elf.EM_AARCH64: "qemu-aarch64-static"}[machine]
	if qemu == "" {
		return "", fmt.Errorf("%s is built for %v, and there is no emulator for that here", bootstrap, machine)
	}
	if p, err := exec.LookPath(qemu); err == nil {
		return p, nil
	}
	for _, d := range emulatorDirs {
		p := filepath.Join(d, qemu)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is built for %s and this host is %s/%s, so it runs under %s, which is missing: install it with `%s` (as root)",
		bootstrap, arch, runtime.GOOS, runtime.GOARCH, qemu, QemuInstallCommand)
}

// freePorts returns n distinct free loopback ports (held open together so that they differ).
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
