package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"meldwijzer/config"
	"meldwijzer/content"
	"meldwijzer/internal/dynamolocal"
	"meldwijzer/internal/kmsstandin"
	"meldwijzer/internal/rie"
	"meldwijzer/store/dynamo"
	"meldwijzer/wegwijzer"
)

// functions are the bootstraps: the two public functions and the hello-world baseline
// (internal/rie/testdata/hello: the smallest aws-lambda-go function behind API Gateway v2).
var functions = []struct{ name, pkg string }{
	{"hello", "../internal/rie/testdata/hello"},
	{"wegwijzer", "meldwijzer/functions/wegwijzer"},
	{"meldpunt", "meldwijzer/functions/meldpunt"},
}

// arches: arm64 is what is deployed (here it runs under qemu-user-static, so slowly); amd64 is
// the same code built natively for this host, the fair figure for the code itself.
var arches = []string{"arm64", "amd64"}

// coldStarts per function and architecture (the median is reported): under qemu one start
// varies by half, so five were too few for a stable median.
const coldStarts = 9

type built struct {
	// bootstrap[arch][name] is the path of a bootstrap built as `make build` builds the functions.
	bootstrap map[string]map[string]string
	// server is the local binary for the Lighthouse audit.
	server string
	took   time.Duration
}

// buildAll builds every binary the benchmark runs, before any measurement: the bootstraps for
// arm64 and amd64 (CGO_ENABLED=0 GOOS=linux, -tags lambda.norpc -trimpath -ldflags='-s -w', as
// `make build` and internal/rie build them) and, unless MELDWIJZER_BIN names one, the local binary.
func buildAll(tb testing.TB) built {
	tb.Helper()
	began := time.Now()
	dir := tb.TempDir()
	out := built{bootstrap: map[string]map[string]string{}}
	for _, arch := range arches {
		bin := filepath.Join(dir, arch, "bin") + string(filepath.Separator)
		args := []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin}
		for _, f := range functions {
			args = append(args, f.pkg)
		}
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
		if raw, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("go %s (GOARCH=%s): %v\n%s", strings.Join(args, " "), arch, err, raw)
		}
		out.bootstrap[arch] = map[string]string{}
		for _, f := range functions {
			p := filepath.Join(dir, arch, f.name, "bootstrap")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				tb.Fatal(err)
			}
			if err := os.Rename(filepath.Join(bin, filepath.Base(f.pkg)), p); err != nil {
				tb.Fatal(err)
			}
			out.bootstrap[arch][f.name] = p
		}
	}
	out.server = os.Getenv("MELDWIJZER_BIN")
	if out.server == "" {
		out.server = filepath.Join(dir, "meldwijzer")
		if raw, err := exec.Command("go", "build", "-trimpath", "-o", out.server, "meldwijzer/cmd/meldwijzer").CombinedOutput(); err != nil {
			tb.Fatalf("building the local binary: %v\n%s", err, raw)
		}
	}
	out.took = time.Since(began)
	progress("built the bootstraps (arm64, amd64) and the local binary in %v", out.took.Round(time.Millisecond))
	return out
}

// coldStart is one start of a function under the emulator until its first answer.
type coldStart struct {
	cold, init time.Duration
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func lambdaRows(r *run, bins built, ddb *dynamolocal.Local) {
	b := r.b
	ctx := context.Background()
	table := fmt.Sprintf("meldwijzer-bench-rie-%s", runID)
	if err := dynamo.CreateTable(ctx, ddb.Client(), table); err != nil {
		b.Fatal(err)
	}
	const secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:meldwijzer/master-AbCdEf"
	sm := fakeSecretsManager(b, secretARN)
	// The data keys' table, and KMS as a stand-in on loopback (no emulator): a report's intake
	// also makes its data key.
	if err := dynamo.CreateKeysTable(ctx, ddb.Client(), table+"-keys", false); err != nil {
		b.Fatal(err)
	}
	kms := kmsstandin.Start(b)
	env := map[string]map[string]string{
		// the events ask for a demo institution, which a function serves only in a demo stack
		"wegwijzer": {config.EnvDemo: "true"},
		"meldpunt": {
			config.EnvTable: table, config.EnvSecretARN: secretARN, "AWS_REGION": "eu-west-1",
			"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
			config.EnvDynamoDBEndpoint: ddb.Endpoint, "AWS_ENDPOINT_URL_SECRETS_MANAGER": sm, config.EnvDemo: "true",
			config.EnvKeysTable: table + "-keys", config.EnvSealKeyARN: kmsstandin.KeyARN, "AWS_ENDPOINT_URL_KMS": kms.URL,
		},
	}
	stepEvent := readFile(b, "../functions/wegwijzer/testdata/apigw-v2-step.json")
	reportEvent := readFile(b, "../functions/meldpunt/testdata/apigw-v2-report.json")
	event := func(name string) []byte {
		if name != "meldpunt" {
			return stepEvent
		}
		// A new Idempotency-Key each time, so that every cold start files a new report.
		var e map[string]any
		if err := json.Unmarshal(reportEvent, &e); err != nil {
			b.Fatal(err)
		}
		e["headers"].(map[string]any)["idempotency-key"] = newKey("rie")
		return mustJSON(e)
	}
	wantStatus := map[string]float64{"hello": 200, "wegwijzer": 200, "meldpunt": 201}

	results := map[string]map[string][]coldStart{}
	for _, arch := range arches {
		results[arch] = map[string][]coldStart{}
		for rep := range coldStarts {
			for _, f := range functions { // interleaved: hello, wegwijzer, meldpunt, hello, ...
				fn := rie.Start(b, bins.bootstrap[arch][f.name], env[f.name])
				payload := fn.Invoke(b, event(f.name))
				var res struct {
					StatusCode float64 `json:"statusCode"`
				}
				if err := json.Unmarshal(payload, &res); err != nil || res.StatusCode != wantStatus[f.name] {
					b.Fatalf("%s (%s) cold start %d: %s", f.name, arch, rep, payload)
				}
				results[arch][f.name] = append(results[arch][f.name], coldStart{fn.ColdStart(), fn.InitDuration()})
				fn.Stop()
			}
		}
	}

	stat := func(arch, name string) (cold, init time.Duration, all []time.Duration) {
		var colds, inits []time.Duration
		for _, c := range results[arch][name] {
			colds = append(colds, c.cold)
			inits = append(inits, c.init)
		}
		return median(colds), median(inits), colds
	}
	size := func(arch, name string) int64 {
		st, err := os.Stat(bins.bootstrap[arch][name])
		if err != nil {
			b.Fatal(err)
		}
		return st.Size()
	}
	// What the init does that hello's does not, timed in this process (amd64, median of 5).
	loadTime := map[string]time.Duration{
		"wegwijzer": median(timeN(5, func() error { _, _, err := wegwijzer.Load(content.FS); return err })),
		"meldpunt":  median(timeN(5, func() error { _, err := content.Load(content.FS); return err })),
	}
	loadName := map[string]string{"wegwijzer": "wegwijzer.Load (content and vocabulary, checked)", "meldpunt": "content.Load (content, checked)"}
	how := map[string]string{"arm64": "arm64 under qemu-aarch64-static (deployed build; emulated here)", "amd64": "amd64 native (same code built for this host)"}
	for _, name := range []string{"wegwijzer", "meldpunt"} {
		for _, arch := range arches {
			cold, init, colds := stat(arch, name)
			hcold, hinit, _ := stat(arch, "hello")
			ratio := float64(cold) / float64(hcold)
			var ratios []float64
			for i, c := range colds {
				ratios = append(ratios, float64(c)/float64(results[arch]["hello"][i].cold))
			}
			row := Row{
				Part:    fmt.Sprintf("Cold start %s, %s", name, map[string]string{"arm64": "arm64 (qemu)", "amd64": "amd64 (native)"}[arch]),
				Value:   fmt.Sprintf("%s (init %s)", fmtDur(cold), fmtDur(init)),
				Ceiling: fmt.Sprintf("hello %s (init %s)", fmtDur(hcold), fmtDur(hinit)),
				Ratio:   ratio, Formula: fmt.Sprintf("cold/hello cold (medians of %d)", coldStarts), Slowdown: ratio,
				Spread: []float64{slices.Min(ratios), slices.Max(ratios)},
				Figures: map[string]float64{
					"cold_ms": ms(cold), "init_ms": ms(init), "hello_cold_ms": ms(hcold), "hello_init_ms": ms(hinit),
					"in_process_load_ms": ms(loadTime[name]), "bootstrap_bytes": float64(size(arch, name)), "hello_bootstrap_bytes": float64(size(arch, "hello")),
				},
				Note: how[arch] + "; from starting aws-lambda-rie to the first answer (the emulator's start, the init, the first invocation)",
				Why: fmt.Sprintf("its init takes %s against hello's %s (%s); %s alone takes %s in this process (amd64)%s; "+
					"the binary is %.1f MB against %.1f MB", fmtDur(init), fmtDur(hinit), arch, loadName[name], fmtDur(loadTime[name]),
					map[string]string{
						"wegwijzer": "",
						"meldpunt":  ", and the init also loads the AWS config and calls GetSecretValue; the first invoke makes a data key (KMS stand-in, keys table) and writes a transaction to DynamoDB Local",
					}[name], float64(size(arch, name))/1e6, float64(size(arch, "hello"))/1e6),
			}
			if arch == "arm64" {
				row.Note = how[arch] + "; qemu translates every instruction, so this is far slower than on Graviton"
			}
			r.add(row)
		}
	}
	hello := size("arm64", "hello")
	for _, name := range []string{"wegwijzer", "meldpunt"} {
		sz := size("arm64", name)
		r.add(Row{
			Part:  fmt.Sprintf("Bootstrap size %s, arm64", name),
			Value: fmt.Sprintf("%.1f MB", float64(sz)/1e6), Ceiling: fmt.Sprintf("hello %.1f MB", float64(hello)/1e6),
			Ratio: float64(sz) / float64(hello), Formula: "size/hello size",
			Figures: map[string]float64{"bytes": float64(sz), "hello_bytes": float64(hello),
				"amd64_bytes": float64(size("amd64", name)), "amd64_hello_bytes": float64(size("amd64", "hello"))},
		})
	}
}

// timeN times fn n times.
func timeN(n int, fn func() error) []time.Duration {
	var ds []time.Duration
	for range n {
		began := time.Now()
		if err := fn(); err != nil {
			panic(err)
		}
		ds = append(ds, time.Since(began))
	}
	return ds
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// fakeSecretsManager answers GetSecretValue for arn with a fresh master secret, on loopback, as
// internal/rie's tests do; it returns its URL.
func fakeSecretsManager(tb testing.TB, arn string) string {
	tb.Helper()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	secret := base64.StdEncoding.EncodeToString(raw)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct{ SecretId string }
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.Unmarshal(body, &in) != nil || in.SecretId != arn {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"__type":"ResourceNotFoundException","message":"no such secret"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ARN": arn, "Name": "meldwijzer/master", "SecretString": secret,
			"VersionId": "00000000-0000-0000-0000-000000000001", "VersionStages": []string{"AWSCURRENT"},
			"CreatedDate": float64(time.Now().Unix()),
		})
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}
