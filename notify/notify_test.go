package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/internal/mailpit"
	"meldwijzer/meldpunt"
	"meldwijzer/notify"
	"meldwijzer/notify/smtp"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
)

// One Mailpit for the package (about 0.1 s to start once built); each test mails its own
// addresses and reads only those.
var server *mailpit.Server

func TestMain(m *testing.M) {
	var err error
	if server, err = mailpit.Launch(mailpit.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// directory holds the institutions' records as the institution store would.
type directory map[string]*meldwijzer.Institution

func (d directory) Institution(_ context.Context, id string) (*meldwijzer.Institution, error) {
	if i, ok := d[id]; ok {
		return i, nil
	}
	return nil, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "no institution %q", id)
}

// clock is a settable time, shared by the service and the mailer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// logBuffer collects the mailer's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type rig struct {
	svc    *meldpunt.Service
	mailer *notify.Mailer
	clock  *clock
	log    *logBuffer
	store  *bolt.Store
}

// newRig is the meldpunt service on a real bbolt store, with a mailer that sends through sender.
func newRig(t *testing.T, sender notify.Sender, o notify.Options) *rig {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "meldwijzer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, err := meldpunt.NewKeys(meldpunt.NewMasterSecret())
	if err != nil {
		t.Fatal(err)
	}
	dataKeys, err := bolt.OpenKeys(filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dataKeys.Close() })
	wrapper, err := keyfile.Load(filepath.Join(t.TempDir(), "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{clock: &clock{t: time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)}, log: &logBuffer{}, store: store}
	o.Sender, o.Directory, o.Now = sender, store, r.clock.Now
	o.Logger = slog.New(slog.NewJSONHandler(r.log, nil))
	r.mailer = notify.New(o)
	t.Cleanup(func() { _ = r.mailer.Close(context.Background()) })
	r.svc = meldpunt.New(meldpunt.Config{Store: store, Keys: keys, Sealer: seal.New(wrapper, dataKeys), Now: r.clock.Now, Notifier: r.mailer,
		Institution: func(id string) bool { return true }})
	return r
}

// institution adds an institution with a meldpunt address unique to the test.
func (r *rig) institution(t *testing.T, id string, withAddress bool) string {
	addr := ""
	if withAddress {
		addr = strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())) + "@" + id + ".example"
	}
	if err := r.store.PutInstitution(context.Background(), &meldwijzer.Institution{ID: id, Name: id, MeldpuntEmail: addr}); err != nil {
		t.Fatal(err)
	}
	return addr
}

var n int

func (r *rig) submit(t *testing.T, inst string, sub meldpunt.Submission) *meldpunt.Receipt {
	t.Helper()
	n++
	rc, err := r.svc.Submit(context.Background(), inst, fmt.Sprintf("idempotency-key-%04d-%d", n, time.Now().UnixNano()), sub)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return rc
}

var secret = meldpunt.Submission{Audience: "student", Lang: "nl", Theme: "seksueel", Where: "stage",
	Description: "Mijn stagebegeleider Pietersen bij Zwembad Octopus raakte me aan in de kleedkamer.", FollowUp: true}

func smtpSender(t *testing.T) *smtp.Sender {
	s, err := smtp.New(server.SMTPAddr, "meldwijzer@meldwijzer.example", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mailsTo are the mails Mailpit received for addr.
func mailsTo(t *testing.T, addr string) []mailpit.Message {
	t.Helper()
	all, err := server.Messages()
	if err != nil {
		t.Fatal(err)
	}
	var out []mailpit.Message
	for _, m := range all {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

// leaks lists what of the report a mail's subject or body gives away.
func leaks(m mailpit.Message, rc *meldpunt.Receipt, sub meldpunt.Submission) []string {
	text := strings.ToLower(m.Subject + "\n" + m.Text)
	var out []string
	for _, w := range append(strings.Fields(strings.ToLower(sub.Description)), sub.Theme, sub.Where, "stage", "student",
		"seksueel", "grensoverschrijdend", rc.Report.ID, rc.Receipt) {
		w = strings.Trim(w, ".,")
		if len(w) > 3 && regexp.MustCompile(`\b`+regexp.QuoteMeta(w)+`\b`).MatchString(text) {
			out = append(out, w)
		}
	}
	if d := regexp.MustCompile(`[0-9]`).FindString(text); d != "" {
		out = append(out, "a digit (a date, time, id or receipt)")
	}
	return out
}

func TestNewReportMailsTheMeldpuntWithoutContent(t *testing.T) {
	r := newRig(t, smtpSender(t), notify.Options{Background: true})
	addr := r.institution(t, "roc-a", true)
	rc := r.submit(t, "roc-a", secret)
	// Past the window a second report gets its own mail; the phone's retries of it with the
	// same Idempotency-Key store nothing new and mail nothing new.
	r.clock.Set(r.clock.Now().Add(time.Hour))
	for i := range 3 {
		again, err := r.svc.Submit(context.Background(), "roc-a", "3f1c9a4e-retry-0001", secret)
		if err != nil || again.Created != (i == 0) {
			t.Fatalf("submission %d with one key: %+v, %v", i, again, err)
		}
	}
	r.mailer.Wait()

	mails := mailsTo(t, addr)
	if len(mails) != 2 {
		t.Fatalf("want one mail for each of two reports (the first in a new window) and none for the retries, got %d", len(mails))
	}
	m := mails[0]
	if l := leaks(m, rc, secret); len(l) > 0 {
		t.Errorf("the mail gives away %q:\n%s\n%s", l, m.Subject, m.Text)
	}
	for _, want := range []string{"Er is een nieuwe melding. Log in om die te lezen.", "There is a new report."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the mail does not say %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.Subject, "Nieuwe melding") {
		t.Errorf("subject %q", m.Subject)
	}
	if strings.Contains(m.Raw, rc.Report.ID) || strings.Contains(m.Raw, "Pietersen") {
		t.Error("the raw mail holds the report's id or text")
	}
	if r.log.String() != "" {
		t.Errorf("a mail that went out logged: %s", r.log)
	}
}

func TestReporterMessageMailsTheMeldpunt(t *testing.T) {
	r := newRig(t, smtpSender(t), notify.Options{Background: true})
	addr := r.institution(t, "roc-b", true)
	rc := r.submit(t, "roc-b", secret)
	self, err := r.svc.Self(context.Background(), rc.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.ReporterMessage(context.Background(), self, "Hij deed het vandaag weer bij Zwembad Octopus."); err != nil {
		t.Fatal(err)
	}
	r.mailer.Wait()
	mails := mailsTo(t, addr)
	if len(mails) != 2 {
		t.Fatalf("want the report's mail and the message's, got %d", len(mails))
	}
	m := mails[1]
	if !strings.Contains(m.Text, "nieuw bericht") || !strings.Contains(m.Subject, "Nieuw bericht") {
		t.Errorf("the second mail is not about a message: %s\n%s", m.Subject, m.Text)
	}
	if l := leaks(m, rc, meldpunt.Submission{Description: "Hij deed het vandaag weer bij Zwembad Octopus."}); len(l) > 0 {
		t.Errorf("the mail gives away %q", l)
	}
}

func TestDeadlineReminderTwoDaysBefore(t *testing.T) {
	r := newRig(t, smtpSender(t), notify.Options{Background: true})
	addr := r.institution(t, "roc-c", true)
	r.institution(t, "roc-d", true) // no reports: no reminder
	received := r.clock.Now()
	rc := r.submit(t, "roc-c", secret)
	r.mailer.Wait()
	_ = server.Clear()
	ctx := context.Background()

	// Acknowledge within 7 days: the reminder is due on day 5, not on day 4 or 6.
	for _, day := range []int{4, 5, 6} {
		r.clock.Set(received.AddDate(0, 0, day).Add(time.Duration(day) * time.Hour))
		n, err := r.svc.RemindDeadlines(ctx, []string{"roc-c", "roc-d"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{5: 1}[day]; n != want {
			t.Errorf("day %d: %d reminders, want %d", day, n, want)
		}
	}
	r.mailer.Wait()
	mails := mailsTo(t, addr)
	if len(mails) != 1 {
		t.Fatalf("want one reminder, got %d", len(mails))
	}
	if !strings.Contains(mails[0].Text, "Over twee dagen verloopt een termijn") {
		t.Errorf("not a reminder: %s", mails[0].Text)
	}
	if l := leaks(mails[0], rc, secret); len(l) > 0 {
		t.Errorf("the reminder gives away %q", l)
	}

	// The feedback deadline (three months) gets one too, two days before.
	r.clock.Set(rc.Report.FeedbackBy.Add(-meldwijzer.RemindBefore + time.Hour))
	if n, err := r.svc.RemindDeadlines(ctx, []string{"roc-c"}); err != nil || n != 1 {
		t.Errorf("feedback reminder: %d, %v", n, err)
	}
}

func TestNoAddressNoMailNoError(t *testing.T) {
	r := newRig(t, smtpSender(t), notify.Options{Background: true})
	r.institution(t, "roc-e", false)
	before, _ := server.Messages()
	r.submit(t, "roc-e", secret)
	r.submit(t, "unknown-institution", secret)
	r.mailer.Wait()
	after, _ := server.Messages()
	if len(after) != len(before) {
		t.Errorf("%d mails went out for institutions without an address", len(after)-len(before))
	}
	if r.log.String() != "" {
		t.Errorf("no address is not an error, but the mailer logged: %s", r.log)
	}
}

// deadServer accepts SMTP connections and hangs up, as a broken relay does.
func deadServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("421 4.3.2 service not available\r\n"))
			c.Close()
		}
	}()
	return l.Addr().String()
}

func TestFailingSMTPServerDoesNotFailTheReport(t *testing.T) {
	for _, background := range []bool{true, false} {
		t.Run(fmt.Sprintf("background=%v", background), func(t *testing.T) {
			sender, err := smtp.New(deadServer(t), "meldwijzer@meldwijzer.example", "", "")
			if err != nil {
				t.Fatal(err)
			}
			r := newRig(t, sender, notify.Options{Background: background, Retry: []time.Duration{10 * time.Millisecond}, Timeout: 2 * time.Second})
			r.institution(t, "roc-f", true)
			start := time.Now()
			rc := r.submit(t, "roc-f", secret)
			took := time.Since(start)
			if !rc.Created || rc.Receipt == "" {
				t.Fatalf("the report was not taken: %+v", rc)
			}
			if background && took > 500*time.Millisecond {
				t.Errorf("the report waited %v for the mail", took)
			}
			r.mailer.Wait()
			log := r.log.String()
			want := 1
			if background {
				want = 2 // the first attempt and its one retry
			}
			if got := strings.Count(log, `"msg":"notice not sent"`); got != want {
				t.Errorf("want %d log lines for the failure, got %d:\n%s", want, got, log)
			}
			if !strings.Contains(log, `"reason":"smtp 421"`) || !strings.Contains(log, `"kind":"report"`) {
				t.Errorf("the log does not say what failed: %s", log)
			}
			for _, secret := range []string{"roc-f", "@", rc.Report.ID, "Pietersen"} {
				if strings.Contains(log, secret) {
					t.Errorf("the log holds %q: %s", secret, log)
				}
			}
		})
	}
}

func TestFloodIsOneMailAndADigest(t *testing.T) {
	const window = 2 * time.Second
	r := newRig(t, smtpSender(t), notify.Options{Background: true, Window: window})
	addr := r.institution(t, "roc-g", true)
	// The flood arrives within one window (the rig's clock stands still; the window's end is
	// a real timer).
	start := time.Now()
	for range 20 {
		r.submit(t, "roc-g", secret)
	}
	r.mailer.Wait()
	if took := time.Since(start); took >= window {
		t.Fatalf("the flood took %v, longer than the window: make the window longer", took)
	}
	if got := len(mailsTo(t, addr)); got != 1 {
		t.Fatalf("20 reports in one window: %d mails at once, want 1", got)
	}
	// The window ends: one digest mail says there is more, and nothing after it.
	time.Sleep(time.Until(start.Add(window)))
	for deadline := time.Now().Add(5 * time.Second); len(mailsTo(t, addr)) < 2 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if got := len(mailsTo(t, addr)); got != 2 {
		t.Errorf("after the window: %d mails, want 2 (the first and one digest)", got)
	}
}

func TestNextRunIsTheNextFiveOClockUTC(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, c := range []struct{ now, want string }{
		{"2026-03-02T04:59:59Z", "2026-03-02T05:00:00Z"},
		{"2026-03-02T05:00:00Z", "2026-03-03T05:00:00Z"},
		{"2026-03-02T23:00:00+01:00", "2026-03-03T05:00:00Z"},
	} {
		if got := notify.NextRun(at(c.now)); !got.Equal(at(c.want)) {
			t.Errorf("NextRun(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

// Through the whole app, as the local binary wires it: the phone's POST is answered 201 and the
// meldpunt gets its mail.
func TestReportOverHTTPMailsTheMeldpunt(t *testing.T) {
	dir := directory{}
	m := notify.New(notify.Options{Sender: smtpSender(t), Directory: dir, Background: true})
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	a := apptest.New(t, app.Options{Notifier: m})
	addr := "meldpunt-http@roc-voorbeeldstad.example"
	dir["roc-voorbeeldstad"] = &meldwijzer.Institution{ID: "roc-voorbeeldstad", MeldpuntEmail: addr}

	body, _ := json.Marshal(secret)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/institutions/roc-voorbeeldstad/reports", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "3f1c9a4e-http-test-0001")
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST report: %d %s", rec.Code, rec.Body)
	}
	m.Wait()
	mails := mailsTo(t, addr)
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "Er is een nieuwe melding.") {
		t.Fatalf("mails to the meldpunt: %+v", mails)
	}
	var answer struct{ Report struct{ ID string } }
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	if answer.Report.ID == "" || strings.Contains(mails[0].Raw, answer.Report.ID) {
		t.Errorf("the mail holds the report id %q", answer.Report.ID)
	}
}
