package rie_test

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"meldwijzer/internal/rie"
)

// packages are the bootstraps the tests run: the real functions and the hello-world baseline.
var packages = map[string]string{
	"hello":     "./testdata/hello",
	"meldpunt":  "meldwijzer/functions/meldpunt",
	"pretoken":  "meldwijzer/functions/pretoken",
	"wegwijzer": "meldwijzer/functions/wegwijzer",
}

// built holds the bootstraps, built once per test binary in one go build.
var built struct {
	once sync.Once
	dir  string
	took time.Duration
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// bootstrap returns <dir>/<name>/bootstrap, built exactly as `make build` builds the functions:
// CGO_ENABLED=0 GOOS=linux GOARCH=arm64, -tags lambda.norpc -trimpath -ldflags='-s -w'.
func bootstrap(t *testing.T, name string) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "rie-bootstraps-")
		if built.err != nil {
			return
		}
		names := slices.Sorted(maps.Keys(packages))
		args := []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(built.dir, "bin") + string(filepath.Separator)}
		for _, n := range names {
			args = append(args, packages[n])
		}
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
		began := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = err
			t.Logf("go %s:\n%s", strings.Join(args, " "), out)
			return
		}
		built.took = time.Since(began)
		for _, n := range names { // go build names each binary after its package directory
			if err := os.Mkdir(filepath.Join(built.dir, n), 0o755); err != nil {
				built.err = err
				return
			}
			if err := os.Rename(filepath.Join(built.dir, "bin", filepath.Base(packages[n])), filepath.Join(built.dir, n, "bootstrap")); err != nil {
				built.err = err
				return
			}
		}
		t.Logf("rie: built %d arm64 bootstraps in %v", len(names), built.took.Round(time.Millisecond))
	})
	if built.err != nil {
		t.Fatalf("building the bootstraps: %v", built.err)
	}
	return filepath.Join(built.dir, name, "bootstrap")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// invokeAPI invokes fn with an API Gateway v2 event and reads the function's answer.
func invokeAPI(t *testing.T, fn *rie.Function, event []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload := fn.Invoke(t, event)
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &res); err != nil || res.StatusCode == 0 {
		t.Fatalf("%s: not an API Gateway v2 response (%v): %s", fn.Name, err, payload)
	}
	return res
}

// figures are what the tests print for each function.
type figures struct {
	cold, init time.Duration
	size       int64
}

func measure(t *testing.T, fn *rie.Function, path string) figures {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return figures{cold: fn.ColdStart(), init: fn.InitDuration(), size: st.Size()}
}

var hello struct {
	once sync.Once
	f    figures
	ok   bool
}

// helloBaseline runs the hello-world function once per test binary: the figures the real
// functions are compared with.
func helloBaseline(t *testing.T) figures {
	t.Helper()
	hello.once.Do(func() {
		path := bootstrap(t, "hello")
		fn := rie.Start(t, path, nil)
		res := invokeAPI(t, fn, readFile(t, "../../functions/wegwijzer/testdata/apigw-v2-step.json"))
		if res.StatusCode != 200 || res.Body != `{"hello":"world"}` {
			t.Fatalf("hello: %d %s", res.StatusCode, res.Body)
		}
		hello.f, hello.ok = measure(t, fn, path), true
		fn.Stop()
	})
	if !hello.ok {
		t.Fatal("the hello-world baseline failed")
	}
	return hello.f
}

// report prints the line the brief asks for, e.g.
// rie: wegwijzer cold start 180ms (hello 120ms), bootstrap 9.1 MB (hello 5.2 MB)
func report(t *testing.T, fn *rie.Function, f figures, extra string) {
	t.Helper()
	h := helloBaseline(t)
	how := "native"
	if fn.Emulated != "" {
		how = "arm64 under " + filepath.Base(fn.Emulated)
	}
	t.Logf("rie: %s cold start %v (hello %v), bootstrap %.1f MB (hello %.1f MB); init %v (hello %v)%s; %s",
		fn.Name, ms(f.cold), ms(h.cold), mb(f.size), mb(h.size), ms(f.init), ms(h.init), extra, how)
}

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
func mb(n int64) float64               { return float64(n) / 1e6 }
