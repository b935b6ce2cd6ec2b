package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The load-with-faults test: a stream of reports, sent with retries under the same
// Idempotency-Key as the phone does, to the real local binary on the embedded store, while the
// server is stopped twice: once with SIGTERM (graceful shutdown) and once with SIGKILL (a crash,
// possibly between the store's commit and the answer). Afterwards every accepted report is stored
// exactly once, nothing else is stored, the dashboard counts exactly the accepted reports, and
// the server never answered a 500 or showed Go internals.

const (
	restartInstitution = "roc-voorbeeldstad"
	restartReports     = 100
	restartSenders     = 6
	// A report gets at most this many attempts and this much time, then the test gives up on it.
	restartMaxAttempts  = 60
	restartMaxPerReport = 15 * time.Second
	// The whole send phase gets this long.
	restartSendBudget = 25 * time.Second
)

// internals are what a response body must never show: panics, goroutine dumps, source paths.
var internals = regexp.MustCompile(`(?i)panic|goroutine \d|runtime\.|\.go:\d+|/(usr|home|root|tmp|work|go)/|\bpkg/mod\b`)

// buildBinary builds cmd/meldwijzer from the module root into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	bin := filepath.Join(t.TempDir(), "meldwijzer")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/meldwijzer")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is one run of `meldwijzer serve`.
type server struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer // everything it wrote to stderr
	done chan struct{} // closed when the process has exited and its stderr is read
	err  error         // the process's exit, valid after done
}

// startServer starts the binary on addr and waits for its "listening" line.
func startServer(t *testing.T, bin, data, addr string, extra ...string) (*server, error) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "-demo", "-demo-data=false", "-addr", addr, "-data", data, "-store", "bolt"}, extra...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, logs: new(bytes.Buffer), done: make(chan struct{})}
	listening := make(chan string, 1)
	go func() { // s.logs is read only after done

		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.logs.WriteString(line + "\n")
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" && entry.Addr != "" {
				select {
				case listening <- entry.Addr:
				default:
				}
			}
		}
		s.err = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.addr = <-listening:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("serve -addr %s exited before listening: %v\n%s", addr, s.err, s.logs)
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("serve -addr %s did not listen within 15 s:\n%s", addr, s.logs)
	}
}

// stop sends sig, closes signalled (if not nil) and waits for the process to exit.
func (s *server) stop(t *testing.T, sig syscall.Signal, signalled chan struct{}) {
	t.Helper()
	err := s.cmd.Process.Signal(sig)
	if signalled != nil {
		close(signalled)
	}
	if err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("the server did not exit within 15 s of %v", sig)
	}
	if sig == syscall.SIGTERM && s.err != nil {
		t.Errorf("after SIGTERM the server exited with %v, want a clean exit:\n%s", s.err, s.logs)
	}
}

// checkLogs fails the test on anything in the server's stderr that is not a JSON log line (a
// panic's stack trace is not) and on a logged panic.
func (s *server) checkLogs(t *testing.T, name string) {
	t.Helper()
	for line := range strings.Lines(s.logs.String()) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("%s: the server wrote a line that is not a JSON log entry: %q", name, line)
			continue
		}
		if strings.Contains(strings.ToLower(line), "panic") || strings.Contains(line, "goroutine ") {
			t.Errorf("%s: the server logged %q", name, line)
		}
		if entry["level"] == "ERROR" {
			t.Logf("%s: logged an error: %s", name, line)
		}
	}
}

// outcome is what the sender learnt about one report.
type outcome struct {
	key, body string
	followUp  bool
	status    int // 200 or 201, 0 when it was never accepted
	id        string
	receipt   string
	attempts  int
}

// counters are the answers seen during the stream.
type counters struct {
	connErrors, unavailable, limited, created, replayed atomic.Int64
}

// client talks to the server at a base URL that moves when a restart had to take another port.
type client struct {
	http *http.Client
	base atomic.Pointer[string]

	inflight atomic.Int64 // requests sent and not yet answered

	mu  sync.Mutex
	bad []string // answers that break the contract: a 500, Go internals
}

func (c *client) setBase(addr string) { u := "http://" + addr; c.base.Store(&u) }

// do sends one request and checks the answer for 500s and Go internals. err is a transport error
// (the server is down or went down mid-request).
func (c *client) do(ctx context.Context, method, path, body string, header ...string) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, *c.base.Load()+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c.inflight.Add(1)
	res, err := c.http.Do(req)
	c.inflight.Add(-1)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
		c.report("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if internals.Match(b) {
		c.report("%s %s: the answer shows Go internals: %d %s", method, path, res.StatusCode, b)
	}
	return res.StatusCode, res.Header, b, nil
}

func (c *client) report(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bad = append(c.bad, fmt.Sprintf(format, args...))
}

// retryAfter is the wait a 429 or 503 asks for; a missing or bad header is a contract break.
func (c *client) retryAfter(status int, h http.Header, body []byte) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s < 0 {
		c.report("%d without a usable Retry-After (%q): %s", status, h.Get("Retry-After"), body)
		return time.Second
	}
	return time.Duration(s) * time.Second
}

// send files one report, retrying with the same key on connection errors, 503 and 429.
func (c *client) send(ctx context.Context, o *outcome, n *counters) {
	deadline := time.Now().Add(restartMaxPerReport)
	backoff := 20 * time.Millisecond
	for o.attempts < restartMaxAttempts && time.Now().Before(deadline) {
		o.attempts++
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		status, h, b, err := c.do(rctx, "POST", "/api/v1/institutions/"+restartInstitution+"/reports", o.body, "Idempotency-Key", o.key)
		cancel()
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			n.connErrors.Add(1)
			wait, backoff = backoff, min(2*backoff, 400*time.Millisecond)
		case status == 200 || status == 201:
			var got struct {
				Report struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"report"`
				Receipt *string `json:"receipt"`
			}
			if err := json.Unmarshal(b, &got); err != nil || got.Report.ID == "" {
				c.report("report %s: %d with body %s", o.key, status, b)
				return
			}
			if (got.Receipt != nil) != o.followUp {
				c.report("report %s: followUp %v but receipt %v", o.key, o.followUp, got.Receipt)
			}
			o.status, o.id = status, got.Report.ID
			if got.Receipt != nil {
				o.receipt = *got.Receipt
			}
			if status == 201 {
				n.created.Add(1)
			} else {
				n.replayed.Add(1)
			}
			return
		case status == 503:
			n.unavailable.Add(1)
			wait = c.retryAfter(status, h, b)
		case status == 429:
			n.limited.Add(1)
			wait = c.retryAfter(status, h, b)
		default:
			c.report("report %s: %d %s", o.key, status, b)
			return
		}
		if time.Now().Add(wait).After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// reportBody is report i: a few themes and places, half of them wanting an answer.
func reportBody(i int) (string, bool) {
	themes := []struct{ theme, grounds string }{
		{"discriminatie", `,"grounds":["herkomst"]`}, {"pesten", ""}, {"agressie", ""}, {"seksueel", ""},
	}
	wheres := []string{"school", "stage", "online", "elders"}
	audiences := []string{"student", "staff"}
	th := themes[i%len(themes)]
	followUp := i%2 == 0
	return fmt.Sprintf(`{"audience":%q,"lang":"nl","theme":%q,"where":%q%s,"when":"week","description":"Melding %d tijdens de herstart-test.","followUp":%v}`,
		audiences[(i/3)%len(audiences)], th.theme, wheres[(i/2)%len(wheres)], th.grounds, i, followUp), followUp
}

func TestRestartLosesAndDoublesNoReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts the real binary")
	}
	began := time.Now()
	bin := buildBinary(t)
	built := time.Since(began)
	data := t.TempDir()

	srv, err := startServer(t, bin, data, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	servers := []*server{srv}
	t.Cleanup(func() {
		for _, s := range servers {
			select {
			case <-s.done:
			default:
				_ = s.cmd.Process.Kill()
				<-s.done
			}
		}
	})
	c := &client{http: &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: restartSenders, IdleConnTimeout: 30 * time.Second,
	}}}
	c.setBase(srv.addr)
	addr := srv.addr

	// A run's keys differ from the next run's, as the phone makes a new UUID per draft.
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	outcomes := make([]*outcome, restartReports)
	for i := range outcomes {
		body, followUp := reportBody(i)
		outcomes[i] = &outcome{key: fmt.Sprintf("restart-%s-%04d", run, i), body: body, followUp: followUp}
	}

	// The senders take reports from jobs. When report 1/3 (and 2/3) is taken the server is
	// signalled; the dispatcher lets a sender's worth more go out and then waits for the signal, so
	// that requests are in flight when it comes and the rest of the stream meets the restart.
	ctx, cancel := context.WithTimeout(context.Background(), restartSendBudget)
	defer cancel()
	var n counters
	jobs := make(chan int)
	type gate struct{ reached, signalled chan struct{} }
	gates := map[int]gate{}
	for _, at := range []int{restartReports / 3, 2 * restartReports / 3} {
		gates[at] = gate{make(chan struct{}), make(chan struct{})}
	}
	var wg sync.WaitGroup
	for range restartSenders {
		wg.Go(func() {
			for i := range jobs {
				c.send(ctx, outcomes[i], &n)
				time.Sleep(10 * time.Millisecond) // a stream, not a burst
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range outcomes {
			if g, ok := gates[i]; ok {
				close(g.reached)
			}
			if g, ok := gates[i-restartSenders]; ok {
				select {
				case <-g.signalled:
				case <-ctx.Done():
					return
				}
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	var inflightAt []int64 // requests in flight when each signal was sent
	restart := func(sig syscall.Signal, at int) time.Duration {
		g := gates[at]
		<-g.reached
		// Signal while requests are in flight: a crash between the store's commit and the answer
		// is what makes a client retry a report that was kept.
		for wait := time.Now().Add(time.Second); c.inflight.Load() < 2 && time.Now().Before(wait); {
			time.Sleep(50 * time.Microsecond)
		}
		old := servers[len(servers)-1]
		down := time.Now()
		inflightAt = append(inflightAt, c.inflight.Load())
		old.stop(t, sig, g.signalled)
		time.Sleep(300 * time.Millisecond) // the senders meet a closed port
		next, err := startServer(t, bin, data, addr)
		if err != nil {
			// The same address could not be had again: take any port and move the senders.
			t.Logf("restart on %s failed (%v); taking another port", addr, err)
			if next, err = startServer(t, bin, data, "127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			addr = next.addr
			c.setBase(addr)
		}
		servers = append(servers, next)
		return time.Since(down)
	}
	downTerm := restart(syscall.SIGTERM, restartReports/3)
	downKill := restart(syscall.SIGKILL, 2*restartReports/3)
	wg.Wait()
	sent := time.Since(began)
	if ctx.Err() != nil {
		t.Errorf("the stream did not finish within %v", restartSendBudget)
	}

	// Every report was accepted, each under its own id.
	accepted := map[string]*outcome{}
	for i, o := range outcomes {
		switch {
		case o.status == 0:
			t.Errorf("report %d (%s) was never accepted after %d attempts", i, o.key, o.attempts)
		case accepted[o.id] != nil:
			t.Errorf("reports %s and %s got the same id %s", accepted[o.id].key, o.key, o.id)
		default:
			accepted[o.id] = o
		}
	}

	vctx, vcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer vcancel()
	handler := token(t, bin, data, "handler")

	// The handler's inbox holds each accepted report exactly once and nothing else.
	seen := map[string]int{}
	months := map[string]bool{}
	pages := 0
	for cursor := ""; ; pages++ {
		if pages > restartReports {
			t.Fatal("the inbox's cursor never ends")
		}
		q := url.Values{"limit": {"25"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		status, _, b, err := c.do(vctx, "GET", "/api/v1/institutions/"+restartInstitution+"/reports?"+q.Encode(), "", "Authorization", "Bearer "+handler)
		if err != nil || status != 200 {
			t.Fatalf("inbox: %d %v %s", status, err, b)
		}
		var page struct {
			Reports []struct {
				ID        string `json:"id"`
				CreatedAt string `json:"createdAt"` // a day, YYYY-MM-DD
			} `json:"reports"`
			Cursor string `json:"cursor"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatalf("inbox: %v %s", err, b)
		}
		for _, r := range page.Reports {
			seen[r.ID]++
			months[r.CreatedAt[:7]] = true
		}
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	stored := 0
	for id, k := range seen {
		stored += k
		switch {
		case accepted[id] == nil:
			t.Errorf("report %s is stored but was never accepted (a lost answer or a double)", id)
		case k != 1:
			t.Errorf("report %s (%s) is listed %d times", id, accepted[id].key, k)
		}
	}
	for id, o := range accepted {
		if seen[id] == 0 {
			t.Errorf("report %s (%s) was accepted with %d but is not stored", id, o.key, o.status)
		}
	}
	if stored != len(accepted) {
		t.Errorf("%d reports listed, %d accepted", stored, len(accepted))
	}

	// Each receipt finds its own report. A retry now, after both restarts, gets the first answer
	// again (the idempotency record survived) for every report that met a restart and for a
	// sample of the others: all of them would pass the intake limit's burst of 100 only slowly.
	receipts, replays := 0, 0
	var again counters
	for i, o := range outcomes {
		if o.status == 0 {
			continue
		}
		if o.receipt != "" {
			receipts++
			status, _, b, err := c.do(vctx, "GET", "/api/v1/reports/self", "", "Authorization", "Receipt "+o.receipt)
			var self struct {
				Report struct {
					ID string `json:"id"`
				} `json:"report"`
			}
			if err != nil || status != 200 || json.Unmarshal(b, &self) != nil || self.Report.ID != o.id {
				t.Errorf("receipt of %s: %d %v %s, want report %s", o.key, status, err, b, o.id)
			}
		}
		if o.attempts == 1 && i%5 != 0 {
			continue
		}
		replays++
		r := &outcome{key: o.key, body: o.body, followUp: o.followUp}
		c.send(vctx, r, &again)
		if r.status != 200 || r.id != o.id || r.receipt != o.receipt {
			t.Errorf("retry of %s after the restarts: %d with report %q and receipt %q, want 200 with report %s and receipt %q",
				o.key, r.status, r.id, r.receipt, o.id, o.receipt)
		}
	}

	// The dashboard's total over the months the reports were made counts each accepted report once
	// (the retries above added nothing).
	from, to := "", ""
	for m := range months {
		if from == "" || m < from {
			from = m
		}
		if m > to {
			to = m
		}
	}
	if from == "" {
		from = time.Now().UTC().Format("2006-01")
		to = from
	}
	// The handler's dashboard: a viewer's shows whole past months only, not this month's reports.
	status, _, b, err := c.do(vctx, "GET", "/api/v1/institutions/"+restartInstitution+"/dashboard?from="+from+"&to="+to, "", "Authorization", "Bearer "+handler)
	var dash struct {
		Total *int `json:"total"`
	}
	switch {
	case err != nil || status != 200 || json.Unmarshal(b, &dash) != nil:
		t.Errorf("dashboard: %d %v %s", status, err, b)
	case dash.Total == nil:
		t.Errorf("dashboard total hidden for %s..%s, want %d: %s", from, to, len(accepted), b)
	case *dash.Total != len(accepted):
		t.Errorf("dashboard total %d for %s..%s, want %d accepted reports: %s", *dash.Total, from, to, len(accepted), b)
	}

	verified := time.Now()
	last := servers[len(servers)-1]
	last.stop(t, syscall.SIGTERM, nil)
	for i, s := range servers {
		s.checkLogs(t, fmt.Sprintf("server %d", i+1))
	}
	c.mu.Lock()
	for _, bad := range c.bad {
		t.Error(bad)
	}
	c.mu.Unlock()

	if n.connErrors.Load() == 0 {
		t.Errorf("no sender ever met the server down: the restarts were not under load")
	}
	t.Logf("%d reports (%d with a receipt), %d senders: %d created, %d answered again (200) during the stream, "+
		"%d connection errors, %d × 503, %d × 429; %d retried after the restarts (%d × 429); %d inbox pages; in flight at the signals %v; down %v (SIGTERM) and %v (SIGKILL); "+
		"build %v, stream %v, checks %v, total %v",
		len(accepted), receipts, restartSenders, n.created.Load(), n.replayed.Load(), n.connErrors.Load(),
		n.unavailable.Load(), n.limited.Load(), replays, again.limited.Load(), pages+1, inflightAt, downTerm.Round(time.Millisecond), downKill.Round(time.Millisecond),
		built.Round(time.Millisecond), (sent - built).Round(time.Millisecond), verified.Sub(began.Add(sent)).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// token asks the binary for a Bearer token that the server on data accepts.
func token(t *testing.T, bin, data, role string, extra ...string) string {
	t.Helper()
	out, err := exec.Command(bin, append([]string{"token", "-institution", restartInstitution, "-role", role, "-data", data}, extra...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("token -role %s: %v\n%s", role, err, ee.Stderr)
		}
		t.Fatalf("token -role %s: %v", role, err)
	}
	return strings.TrimSpace(string(out))
}
