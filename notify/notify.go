// Package notify mails an institution's meldpunt that there is work (a new report, a message
// from a reporter, a deadline in two days) without saying what it is: the mail holds no report
// text, theme, id, receipt or time, only a fixed sentence and "log in". A mail passes through
// servers the school does not control and lands in inboxes that get forwarded and shown on lock
// screens; what it does not hold cannot leak.
//
// The Mailer is the meldpunt service's Notifier. Senders are adapters named after their
// technology: notify/smtp (self-hosted) and notify/ses (AWS).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"sync"
	"time"

	"meldwijzer"
)

// Mail is one plain-text mail to one address.
type Mail struct {
	To      string
	Subject string
	Body    string
}

// Sender delivers one mail; an error means it was not accepted.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Directory finds an institution's record, for its meldpunt address. meldwijzer.InstitutionStore
// has this method; the Mailer needs nothing else of it.
type Directory interface {
	Institution(ctx context.Context, id string) (*meldwijzer.Institution, error)
}

// Defaults of Options.
const (
	// DefaultWindow: at most one mail per institution and kind in this time. A flood of reports
	// is then a mail at its start and one at the end of each window, not a flood of mail.
	DefaultWindow = 10 * time.Minute
	// DefaultTimeout bounds one attempt: the address lookup and the delivery.
	DefaultTimeout = 10 * time.Second
	// LambdaTimeout bounds the one attempt a Lambda function makes before it answers: SES
	// answers in tens of milliseconds; a slow SES must not hold a student's report for long.
	LambdaTimeout = 2 * time.Second
	// queueSize is how many mails wait for the background sender before new ones are dropped.
	queueSize = 256
)

// DefaultRetry are the waits before the background sender's second and third attempt.
var DefaultRetry = []time.Duration{5 * time.Second, time.Minute}

// Options configure a Mailer.
type Options struct {
	Sender    Sender
	Directory Directory
	Logger    *slog.Logger
	// Window is the digest period per institution and kind (DefaultWindow when zero).
	Window time.Duration
	// Background sends from a goroutine, with a queue, retries (Retry) and a digest mail at the
	// end of a window in which events were held back: for a long-running server. Without it,
	// Notify sends once, within Timeout, before it returns: for a Lambda function, whose
	// goroutines stop when it has answered.
	Background bool
	// Timeout bounds one attempt (DefaultTimeout when zero).
	Timeout time.Duration
	// Retry are the waits between the background sender's attempts (DefaultRetry when nil).
	Retry []time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Mailer turns notices into mails to the institution's meldpunt address. An institution
// without an address gets no mail, and that is not an error.
type Mailer struct {
	o     Options
	log   *slog.Logger
	queue chan meldwijzer.Notice
	done  chan struct{}

	mu      sync.Mutex
	windows map[meldwijzer.Notice]*window
	closed  bool
	wg      sync.WaitGroup
}

// window is the digest state of one institution and kind.
type window struct {
	sent  time.Time // when the last mail was started
	held  bool      // events came in after it
	timer *time.Timer
}

// New returns a Mailer; with Background it starts its sender, which Close stops.
func New(o Options) *Mailer {
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Retry == nil {
		o.Retry = DefaultRetry
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Mailer{o: o, log: o.Logger, windows: map[meldwijzer.Notice]*window{}}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if o.Background {
		m.queue = make(chan meldwijzer.Notice, queueSize)
		m.done = make(chan struct{})
		go m.run()
	}
	return m
}

// Notify mails the institution's meldpunt about n, unless a mail of the same kind went there
// within the window: then the event is held, and (Background) one digest mail goes at the
// window's end. It never returns an error: a report is taken whether or not the mail goes out.
func (m *Mailer) Notify(ctx context.Context, n meldwijzer.Notice) {
	if !m.admit(n) {
		return
	}
	if !m.o.Background {
		if err := m.send(ctx, n); err != nil {
			m.failed(n, err, "dropped")
		}
		return
	}
	m.enqueue(n)
}

// admit says whether n may be mailed now, and otherwise holds it for the window's end.
func (m *Mailer) admit(n meldwijzer.Notice) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	now := m.o.Now()
	w := m.windows[n]
	if w == nil {
		w = &window{}
		m.windows[n] = w
	}
	if w.sent.IsZero() || now.Sub(w.sent) >= m.o.Window {
		w.sent, w.held = now, false
		return true
	}
	w.held = true
	if m.o.Background && w.timer == nil {
		w.timer = time.AfterFunc(w.sent.Add(m.o.Window).Sub(now), func() { m.digest(n) })
	}
	return false
}

// digest sends the one mail for the events held back in a window that has ended.
func (m *Mailer) digest(n meldwijzer.Notice) {
	m.mu.Lock()
	w := m.windows[n]
	w.timer = nil
	if m.closed || !w.held {
		m.mu.Unlock()
		return
	}
	w.sent, w.held = m.o.Now(), false
	m.mu.Unlock()
	m.enqueue(n)
}

// enqueue hands n to the background sender; a full queue drops it.
func (m *Mailer) enqueue(n meldwijzer.Notice) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	m.wg.Add(1)
	select {
	case m.queue <- n:
	default:
		m.wg.Done()
		m.failed(n, errQueueFull, "dropped")
	}
}

var errQueueFull = errors.New("notify: queue full")

// run is the background sender: each notice gets up to 1+len(Retry) attempts.
func (m *Mailer) run() {
	defer close(m.done)
	for n := range m.queue {
		m.deliver(n)
		m.wg.Done()
	}
}

func (m *Mailer) deliver(n meldwijzer.Notice) {
	var err error
	for i := 0; ; i++ {
		if err = m.send(context.Background(), n); err == nil {
			return
		}
		if i == len(m.o.Retry) {
			m.failed(n, err, "dropped")
			return
		}
		m.failed(n, err, "retrying")
		time.Sleep(m.o.Retry[i])
	}
}

// send looks up the meldpunt address and sends the mail for n, within Timeout.
func (m *Mailer) send(ctx context.Context, n meldwijzer.Notice) error {
	ctx, cancel := context.WithTimeout(ctx, m.o.Timeout)
	defer cancel()
	if m.o.Directory == nil || m.o.Sender == nil {
		return nil
	}
	inst, err := m.o.Directory.Institution(ctx, n.Institution)
	switch {
	case meldwijzer.ErrorCode(err) == meldwijzer.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case inst.MeldpuntEmail == "":
		return nil
	}
	mail, err := Message(n.Kind)
	if err != nil {
		return err
	}
	mail.To = inst.MeldpuntEmail
	return m.o.Sender.Send(ctx, mail)
}

// failed logs a mail that did not go out. The line names the kind and a coarse reason, never
// the institution, the address or the server's reply (which may quote the address): together
// with the log's time, an institution's name would say when one of its reports arrived.
func (m *Mailer) failed(n meldwijzer.Notice, err error, outcome string) {
	m.log.Warn("notice not sent", slog.String("kind", n.Kind), slog.String("reason", Reason(err)), slog.String("outcome", outcome))
}

// Reason is a coarse, non-identifying word for why a mail failed.
func Reason(err error) string {
	var tp *textproto.Error
	var ne net.Error
	var coded interface{ ErrorCode() string }
	switch {
	case errors.Is(err, errQueueFull):
		return "queue full"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &tp):
		return fmt.Sprintf("smtp %d", tp.Code)
	case errors.As(err, &coded):
		return coded.ErrorCode() // an AWS error code such as MessageRejected
	case errors.As(err, &ne):
		return "unreachable"
	}
	return "error"
}

// Close stops taking notices and waits until the queued mails are sent or ctx ends.
func (m *Mailer) Close(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	for _, w := range m.windows {
		if w.timer != nil {
			w.timer.Stop()
		}
	}
	m.mu.Unlock()
	if m.queue == nil {
		return nil
	}
	close(m.queue)
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait blocks until every mail handed to the background sender so far is sent or dropped
// (tests; a digest still waiting for its window's end is not counted).
func (m *Mailer) Wait() { m.wg.Wait() }
