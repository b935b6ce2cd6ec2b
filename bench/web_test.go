package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"meldwijzer/web"
)

const (
	// firstLoadBudget is the phone UI's first load in gzip bytes (tools/e2e/size.test.mjs).
	firstLoadBudget = 30 * 1024
	// lighthouseTimeout bounds one audit (about 12 s here).
	lighthouseTimeout = 2 * time.Minute
)

// chromeFlags are docs/toolchain.md §6's: headless Debian chromium, offline.
const chromeFlags = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run " +
	"--disable-background-networking --disable-component-update --disable-sync"

func webRows(r *run, bins built) {
	b := r.b
	gz, raw, files := firstLoad(b)
	r.add(Row{
		Part:  "Phone UI first load, gzip",
		Value: fmt.Sprintf("%d B gzip", gz), Ceiling: fmt.Sprintf("budget %d B", firstLoadBudget),
		Ratio: float64(gz) / firstLoadBudget, Formula: "gzip bytes/budget",
		Goal: "≤ 1.00", Met: met(gz <= firstLoadBudget),
		Figures: map[string]float64{"gzip_bytes": float64(gz), "raw_bytes": float64(raw), "files": float64(files), "budget_bytes": firstLoadBudget},
		Note:    "web/static without instelling/; each file gzip level 9 (as the server sends them; tools/e2e/size.test.mjs uses Node's zlib, a few bytes apart), summed",
	})

	addr := startServer(b, bins.server)
	for _, page := range []struct{ name, path, extra string }{
		{"/", "/", "; the report form has no address of its own (a view of the same page, history state only), so the school page is the second audit"},
		{"/i/roc-voorbeeldstad", "/i/roc-voorbeeldstad", ""},
	} {
		lh := lighthouse(b, "http://"+addr+page.path)
		min := 1.0
		for _, c := range []string{"performance", "accessibility", "best-practices"} {
			min = minf(min, lh.scores[c])
		}
		r.add(Row{
			Part: "Lighthouse mobile " + page.name,
			Value: fmt.Sprintf("perf %.0f · a11y %.0f · bp %.0f", 100*lh.scores["performance"], 100*lh.scores["accessibility"],
				100*lh.scores["best-practices"]),
			Ceiling: "100 · 100 · 100", Ratio: min, Formula: "lowest score/100",
			Goal: "100 each", Met: met(min >= 1),
			Figures: map[string]float64{
				"performance": 100 * lh.scores["performance"], "accessibility": 100 * lh.scores["accessibility"],
				"best_practices": 100 * lh.scores["best-practices"],
				"fcp_ms":         lh.metrics["first-contentful-paint"], "lcp_ms": lh.metrics["largest-contentful-paint"],
				"tbt_ms": lh.metrics["total-blocking-time"], "cls": lh.metrics["cumulative-layout-shift"], "run_s": lh.took.Seconds(),
			},
			Note: fmt.Sprintf("Lighthouse 12.8.2, Debian chromium, default mobile (simulated throttling), offline; FCP %.0f ms, LCP %.0f ms, TBT %.0f ms, CLS %.3f%s%s",
				lh.metrics["first-contentful-paint"], lh.metrics["largest-contentful-paint"], lh.metrics["total-blocking-time"], lh.metrics["cumulative-layout-shift"], lh.failing(), page.extra),
		})
	}
}

// firstLine is the first line of a tool's output that says something.
func firstLine(out []byte) string {
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// firstLoad sums the gzip sizes of the phone UI's files, as the server has them embedded.
func firstLoad(tb testing.TB) (gz, raw, files int) {
	tb.Helper()
	err := fs.WalkDir(web.Static, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "instelling" || strings.HasSuffix(path, "/instelling") {
				return fs.SkipDir
			}
			return nil
		}
		body, err := fs.ReadFile(web.Static, path)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		raw += len(body)
		gz += buf.Len()
		files++
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return gz, raw, files
}

// startServer runs the real local binary (`serve -addr 127.0.0.1:0`) on a fresh data directory
// and returns the address from its "listening" log line.
func startServer(tb testing.TB, bin string) string {
	tb.Helper()
	cmd := exec.Command(bin, "serve", "-demo", "-addr", "127.0.0.1:0", "-data", tb.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() { // keeps draining after the address, so that the server never blocks on its log
			var line struct{ Msg, Addr string }
			if !sent && json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" && line.Addr != "" {
				addrc <- line.Addr
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case addr := <-addrc:
		return addr
	case <-exited:
		tb.Fatalf("%s exited before listening", bin)
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s did not log \"listening\" within 30 s", bin)
	}
	return ""
}

type lhResult struct {
	scores  map[string]float64
	metrics map[string]float64
	// below are the failing audits that weigh on a score (title), for the note.
	below []string
	took  time.Duration
}

func (l lhResult) failing() string {
	if len(l.below) == 0 {
		return ""
	}
	return "; below 1: " + strings.Join(l.below, ", ")
}

// lighthouse audits url with tools/node_modules' Lighthouse and Debian's chromium.
func lighthouse(tb testing.TB, url string) lhResult {
	tb.Helper()
	bin, err := filepath.Abs("../tools/node_modules/.bin/lighthouse")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		tb.Fatalf("Lighthouse is missing (%v): run `npm ci --prefix tools` (make tools)", err)
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	out := filepath.Join(tb.TempDir(), "lh.json")
	run := func() ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), lighthouseTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, url, "--quiet", "--output=json", "--output-path="+out,
			"--only-categories=performance,accessibility,best-practices", "--chrome-flags="+chromeFlags)
		cmd.Env = append(os.Environ(), "CHROME_PATH="+chromium)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		return cmd.CombinedOutput()
	}
	began := time.Now()
	raw, err := run()
	if err != nil && bytes.Contains(raw, []byte("Please run Lighthouse again")) {
		// A trace that chromium did not record (NO_NAVSTART, NO_FCP) says nothing about the
		// page; Lighthouse's own advice is to run it again, once.
		progress("lighthouse %s: %s; again", url, firstLine(raw))
		began = time.Now()
		raw, err = run()
	}
	if err != nil {
		tb.Fatalf("lighthouse %s: %v\n%s", url, err, raw)
	}
	took := time.Since(began)
	raw, err = os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	var rep struct {
		Categories map[string]struct {
			Score     *float64 `json:"score"`
			AuditRefs []struct {
				ID     string  `json:"id"`
				Weight float64 `json:"weight"`
			} `json:"auditRefs"`
		} `json:"categories"`
		Audits map[string]struct {
			Title        string   `json:"title"`
			Score        *float64 `json:"score"`
			NumericValue float64  `json:"numericValue"`
		} `json:"audits"`
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		tb.Fatal(err)
	}
	if rep.RuntimeError != nil && rep.RuntimeError.Code != "" {
		tb.Fatalf("lighthouse %s: %s: %s", url, rep.RuntimeError.Code, rep.RuntimeError.Message)
	}
	res := lhResult{scores: map[string]float64{}, metrics: map[string]float64{}, took: took}
	for name, c := range rep.Categories {
		if c.Score == nil {
			tb.Fatalf("lighthouse %s: no %s score", url, name)
		}
		res.scores[name] = *c.Score
		for _, ref := range c.AuditRefs {
			if a := rep.Audits[ref.ID]; ref.Weight > 0 && a.Score != nil && *a.Score < 1 {
				res.below = append(res.below, fmt.Sprintf("%s %q %.2f", name, a.Title, *a.Score))
			}
		}
	}
	for _, m := range []string{"first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"} {
		res.metrics[m] = rep.Audits[m].NumericValue
	}
	return res
}
