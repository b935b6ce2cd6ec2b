package api_test

// Fuzz targets for every JSON body the API takes (FuzzAPIBodies) and for the guide's node ids,
// choices and typed messages (FuzzStepNode). Their seed corpora are in testdata/fuzz/<name>/;
// plain `go test` runs the seeds, `scripts/fuzz.sh` fuzzes every target for a few seconds.
// An input the fuzzer finds becomes a case of TestFuzzFindings below.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/api"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/auth"
	"meldwijzer/content"
	"meldwijzer/meldpunt"
	"meldwijzer/store/bolt"
	"meldwijzer/wegwijzer"
)

// fuzzInstitution is the institution in every fuzzed path ({id}).
const fuzzInstitution = "roc-voorbeeldstad"

// fuzzServer is the whole API as newTestServer builds it (real content, an embedded store in a
// temporary directory, a local token key), but built once per fuzz process: newTestServer needs
// a *testing.T, whose cleanups would run after every input. Requests go straight to the
// handler, without a socket, to keep each input cheap.
type fuzzServer struct {
	handler http.Handler
	store   *bolt.Store
	service *meldpunt.Service
	logs    *syncBuffer
	// token is a handler's Authorization header for fuzzInstitution.
	token string
	// report and receipt are the report that the staff and receipt routes work on.
	report, receipt string
	filed           int
}

// fuzzLimits are so generous that rate limits never answer instead of the code under test.
var fuzzLimits = api.Limits{IntakePerMinute: 1e9, IntakeBurst: 1 << 30, FailedLookupsPerMinute: 1e9, FailedLookupBurst: 1 << 30}

func newFuzzServer(tb testing.TB) *fuzzServer {
	tb.Helper()
	// Only errors are logged (a panic's stack among them), and shown when an input fails.
	logs := &syncBuffer{}
	a := apptest.New(tb, app.Options{Limits: fuzzLimits,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))})
	token, err := a.Key.Sign(auth.Identity{Subject: "fuzz-handler", Institution: fuzzInstitution, Role: auth.RoleHandler}, 7*24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	fz := &fuzzServer{handler: a.Handler(), store: a.Store, service: a.Meldpunt, logs: logs, token: "Bearer " + token}
	fz.fileReport(tb)
	return fz
}

// fileReport files a new report for the staff and receipt routes to work on.
func (fz *fuzzServer) fileReport(tb testing.TB) {
	tb.Helper()
	fz.filed++
	res, err := fz.service.Submit(context.Background(), fuzzInstitution, fmt.Sprintf("fuzz-fixture-%012d", fz.filed), meldpunt.Submission{
		Audience: "student", Lang: "nl", Theme: "pesten", Where: "school",
		Description: "Een klasgenoot zet elke dag iets gemeens over mij in de groepsapp.", FollowUp: true})
	if err != nil {
		tb.Fatal(err)
	}
	fz.report, fz.receipt = res.Report.ID, res.Receipt
}

// usable keeps the fixture report open to answers: a closed one is opened again, and a long
// conversation is replaced by a new report before it is full.
func (fz *fuzzServer) usable(tb testing.TB) {
	tb.Helper()
	rep, err := fz.store.Report(context.Background(), fuzzInstitution, fz.report)
	switch {
	case err != nil:
		tb.Fatalf("the fixture report: %v", err)
	case len(rep.Messages) >= 20:
		fz.fileReport(tb)
	case rep.Status == meldwijzer.StatusClosed:
		if _, err := fz.store.SetStatus(context.Background(), fuzzInstitution, fz.report, meldwijzer.StatusReceived, time.Now().UTC(), 0); err != nil {
			tb.Fatal(err)
		}
	}
}

// reportState is what a request on the fixture report may change.
func (fz *fuzzServer) reportState(tb testing.TB) string {
	tb.Helper()
	rep, err := fz.store.Report(context.Background(), fuzzInstitution, fz.report)
	if err != nil {
		tb.Fatalf("the fixture report: %v", err)
	}
	return fmt.Sprintf("status %s, %d messages, updated %v, acknowledged %v, closed %v",
		rep.Status, len(rep.Messages), rep.UpdatedAt, rep.AcknowledgedAt, rep.ClosedAt)
}

// reportCount is the institution's total of reports this month.
func (fz *fuzzServer) reportCount(tb testing.TB, month string) int {
	tb.Helper()
	counts, err := fz.store.Counts(context.Background(), fuzzInstitution, month, month)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		if c.Dimension == "total" {
			n += c.N
		}
	}
	return n
}

// bodyRoutes are the routes that take a JSON body, in route table order; a corpus entry's
// routeIndex picks one modulo their number.
func bodyRoutes() []api.Route {
	var out []api.Route
	for _, rt := range api.Routes {
		if rt.Method == http.MethodPost || rt.Method == http.MethodPatch {
			out = append(out, rt)
		}
	}
	return out
}

// errorStatus is the status of every error code a client may see; 5xx codes are not in it.
var errorStatus = map[string]int{
	meldwijzer.EINVALID: 400, meldwijzer.ELANG: 400, meldwijzer.EJSON: 400,
	meldwijzer.EUNAUTHORIZED: 401, meldwijzer.EFORBIDDEN: 403, meldwijzer.ENOTFOUND: 404,
	meldwijzer.EMETHOD: 405, meldwijzer.ECONFLICT: 409, meldwijzer.ETOOLARGE: 413,
	meldwijzer.EMEDIA: 415, meldwijzer.ERATELIMIT: 429,
}

// internals are signs of a Go error, stack or path in a message meant for people.
var internals = []string{"json:", "runtime", "panic", "goroutine", ".go:", "/work/", "/usr/", "/tmp/", "/root/", "/home/",
	"invalid character", "unexpected EOF", "unexpected end of JSON", "reflect", "bbolt", "meldwijzer: ", "%!", "<nil>", "0xc0"}

// quoted matches a Go-quoted string: the user's own input, which a message may repeat.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// leak returns the sign of internals in a message, or "". Quoted parts are the user's input, and
// so is anything the request itself holds.
func leak(message string, request ...string) string {
	m := quoted.ReplaceAllString(message, `""`)
	for _, s := range internals {
		if !strings.Contains(m, s) {
			continue
		}
		echoed := false
		for _, r := range request {
			echoed = echoed || strings.Contains(r, s)
		}
		if !echoed {
			return s
		}
	}
	return ""
}

// fuzzHeaders reads "Name: value" lines, keeping those that net/http would accept on the wire.
func fuzzHeaders(s string) http.Header {
	h := http.Header{}
	for line := range strings.SplitSeq(s, "\n") {
		name, value, ok := strings.Cut(line, ":")
		value = strings.Trim(value, " \t\r")
		if ok && validHeaderName(name) && validHeaderValue(value) {
			h.Add(name, value)
		}
	}
	return h
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

type apiAnswer struct {
	status int
	header http.Header
	body   []byte
}

// send is one fuzz input: the body, with the input's header lines, to a body route. Staff routes
// get a valid handler token, receipt routes the fixture's receipt and the report route an
// Idempotency-Key derived from the input, unless the header lines say otherwise.
func (fz *fuzzServer) send(routeIndex uint8, body []byte, header string) (api.Route, apiAnswer) {
	routes := bodyRoutes()
	rt := routes[int(routeIndex)%len(routes)]
	path := strings.NewReplacer("{id}", fuzzInstitution, "{reportId}", fz.report).Replace(rt.Path)
	req := httptest.NewRequest(rt.Method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	switch rt.Auth {
	case api.AuthStaff:
		req.Header.Set("Authorization", fz.token)
	case api.AuthReceipt:
		req.Header.Set("Authorization", "Receipt "+meldpunt.FormatReceipt(fz.receipt))
	}
	if strings.HasSuffix(rt.Path, "/reports") {
		sum := sha256.Sum256(append(append([]byte{routeIndex}, body...), header...))
		req.Header.Set("Idempotency-Key", "fuzz-"+hex.EncodeToString(sum[:20]))
	}
	for k, vs := range fuzzHeaders(header) {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	fz.handler.ServeHTTP(rec, req)
	return rt, apiAnswer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// check returns what is wrong with an answer, or "".
func checkAnswer(a apiAnswer, request ...string) string {
	if !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		return fmt.Sprintf("Content-Type %q", a.header.Get("Content-Type"))
	}
	if a.status >= 200 && a.status < 300 {
		if !json.Valid(a.body) {
			return "the body is not JSON"
		}
		return ""
	}
	var e struct {
		Error *struct {
			Code    *string `json:"code"`
			Message *string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == nil || e.Error.Message == nil {
		return fmt.Sprintf(`not {"error":{"code","message"}} (%v)`, err)
	}
	code, message := *e.Error.Code, *e.Error.Message
	status, known := errorStatus[code]
	switch {
	case !known:
		return fmt.Sprintf("unknown error code %q", code)
	case status != a.status:
		return fmt.Sprintf("code %q comes with status %d, not %d", code, status, a.status)
	case strings.TrimSpace(message) == "":
		return "an empty message"
	}
	if s := leak(message, request...); s != "" {
		return fmt.Sprintf("the message shows internals (%q)", s)
	}
	return ""
}

// FuzzAPIBodies sends any body, with any header lines, to every route that takes a JSON body
// (picked by routeIndex), through the real handler: never a 5xx, every error the JSON error of
// docs/api.md with a known code and a message without Go internals, every success JSON, and a failed
// request changes nothing.
func FuzzAPIBodies(f *testing.F) {
	fz := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, routeIndex uint8, body []byte, header string) {
		fz.usable(t)
		month := time.Now().UTC().Format("2006-01")
		count, state := fz.reportCount(t, month), fz.reportState(t)
		fz.logs.Reset()

		rt, a := fz.send(routeIndex, body, header)

		where := fmt.Sprintf("%s %s with body %q and header lines %q", rt.Method, rt.Path, body, header)
		if a.status >= 500 {
			t.Fatalf("%s: %d %s\nlog: %s", where, a.status, bytes.TrimSpace(a.body), fz.logs.String())
		}
		if problem := checkAnswer(a, string(body), header); problem != "" {
			t.Fatalf("%s: %d %s: %s", where, a.status, bytes.TrimSpace(a.body), problem)
		}
		failed := a.status >= 300
		// A failed request changed nothing; a report counts once, and a retry not again.
		if after := fz.reportCount(t, month); month == time.Now().UTC().Format("2006-01") {
			want := count
			if a.status == http.StatusCreated && strings.HasSuffix(rt.Path, "/reports") {
				want++
			}
			if after != want {
				t.Fatalf("%s: %d %s: this month's count went from %d to %d", where, a.status, bytes.TrimSpace(a.body), count, after)
			}
		}
		if now := fz.reportState(t); failed && now != state {
			t.Fatalf("%s: %d %s: failed, but changed the report from %s to %s", where, a.status, bytes.TrimSpace(a.body), state, now)
		}
	})
}

// FuzzStepNode asks the guide for any node id with any choice, and reads any typed message:
// never a panic, an answer is a node or an *meldwijzer.Error with a code a client can act on,
// a node's id sent back gives the same node, and each option it offers can be chosen.
// sel picks the audience (bit 0), the language (bit 1) and the institution (bits 2 and up).
func FuzzStepNode(f *testing.F) {
	guide, _, err := wegwijzer.Load(content.FS)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sel uint8, node, choice, text string) {
		checkGuide(t, guide, sel, node, choice, text)
	})
}

func guideContext(sel uint8) (audience, lang, institution string) {
	audience = []string{"student", "staff"}[sel&1]
	lang = []string{"nl", "en"}[sel>>1&1]
	institution = []string{"", fuzzInstitution, "techniek-college-denkbeeldig"}[int(sel>>2)%3]
	return audience, lang, institution
}

func checkGuide(t *testing.T, guide *wegwijzer.Guide, sel uint8, node, choice, text string) {
	t.Helper()
	audience, lang, institution := guideContext(sel)
	req := wegwijzer.StepRequest{Audience: audience, Lang: lang, Institution: institution, Node: node, Choice: choice}
	n, err := guide.Step(req)
	if checkGuideAnswer(t, fmt.Sprintf("step %+v", req), n, err) {
		checkNode(t, guide, req, n, true)
	}
	mreq := wegwijzer.MessageRequest{Audience: audience, Lang: lang, Institution: institution, Text: text}
	m, err := guide.Message(mreq)
	var mn *wegwijzer.Node
	if m != nil {
		mn = m.Node
	}
	if checkGuideAnswer(t, fmt.Sprintf("message %+v", mreq), mn, err) {
		checkNode(t, guide, req, mn, false)
	}
}

// checkGuideAnswer checks that there is a node or a client's error, and says whether there is a node.
func checkGuideAnswer(t *testing.T, what string, n *wegwijzer.Node, err error) bool {
	t.Helper()
	var e *meldwijzer.Error
	switch {
	case err == nil && n == nil:
		t.Fatalf("%s: neither a node nor an error", what)
	case err != nil && n != nil:
		t.Fatalf("%s: a node and an error: %v", what, err)
	case err != nil && !(errorAs(err, &e) && (e.Code == meldwijzer.EINVALID || e.Code == meldwijzer.ELANG || e.Code == meldwijzer.ENOTFOUND)):
		t.Fatalf("%s: error %#v (%v) is not an invalid, invalid_lang or not_found *meldwijzer.Error", what, err, err)
	case err != nil && (e.Message == "" || leak(e.Message) != ""):
		t.Fatalf("%s: error message %q", what, e.Message)
	}
	return err == nil
}

func errorAs(err error, e **meldwijzer.Error) bool { return errors.As(err, e) }

// checkNode sends a node's id back (the same node; same in every field for a step) and chooses
// each of its options (each leads somewhere).
func checkNode(t *testing.T, guide *wegwijzer.Guide, req wegwijzer.StepRequest, n *wegwijzer.Node, same bool) {
	t.Helper()
	if n.ID == "" {
		t.Fatalf("step %+v: a node without an id: %+v", req, n)
	}
	back := wegwijzer.StepRequest{Audience: req.Audience, Lang: req.Lang, Institution: req.Institution, Node: n.ID}
	again, err := guide.Step(back)
	if err != nil {
		t.Fatalf("node id %q sent back: %v", n.ID, err)
	}
	if again.ID != n.ID || same && !reflect.DeepEqual(again, n) {
		t.Fatalf("node id %q sent back gives another node:\n got %+v\nwant %+v", n.ID, again, n)
	}
	for _, o := range n.Options {
		choose := back
		choose.Choice = o.ID
		if next, err := guide.Step(choose); err != nil || next == nil {
			t.Fatalf("node %q offers %q, but choosing it gives %v", n.ID, o.ID, err)
		}
	}
}

// auditEntries is the number of entries in the fixture institution's audit log.
func (fz *fuzzServer) auditEntries(tb testing.TB) int {
	tb.Helper()
	n := 0
	for cursor := ""; ; {
		entries, next, err := fz.store.Audit(context.Background(), fuzzInstitution, cursor, 100)
		if err != nil {
			tb.Fatal(err)
		}
		n += len(entries)
		if cursor = next; cursor == "" {
			return n
		}
	}
}

// TestFuzzFindings holds inputs found while fuzzing, each with the behaviour it should have.
// A failed request must change nothing: not the report, and not the audit log either (an entry
// "reply" for a reply that was refused says something happened that did not).
func TestFuzzFindings(t *testing.T) {
	tests := []struct {
		name       string
		routeIndex uint8 // as in FuzzAPIBodies: 4 is POST .../reports/{reportId}/messages
		body       string
		header     string
		status     int
	}{
		// Found 2026-11: replyToReport writes the audit entry before it checks the text, so a
		// refused reply leaves a "reply" entry in the audit log. setReportStatus checks first.
		{"blank reply", 4, `{"text":"   "}`, "", 400},
		{"empty reply", 4, `{"text":""}`, "", 400},
		{"reply without text", 4, `{}`, "", 400},
		{"reply too long", 4, `{"text":"` + strings.Repeat("x", 2001) + `"}`, "", 400},
	}
	fz := newFuzzServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state, audit := fz.reportState(t), fz.auditEntries(t)
			_, a := fz.send(tt.routeIndex, []byte(tt.body), tt.header)
			if a.status != tt.status {
				t.Errorf("status %d %s, want %d", a.status, bytes.TrimSpace(a.body), tt.status)
			}
			if problem := checkAnswer(a, tt.body, tt.header); problem != "" {
				t.Errorf("%d %s: %s", a.status, bytes.TrimSpace(a.body), problem)
			}
			if a.status >= 300 {
				if now := fz.reportState(t); now != state {
					t.Errorf("failed, but changed the report from %s to %s", state, now)
				}
				if now := fz.auditEntries(t); now != audit {
					t.Errorf("failed with %d %s, but added %d audit log entries", a.status, bytes.TrimSpace(a.body), now-audit)
				}
			}
		})
	}
}
