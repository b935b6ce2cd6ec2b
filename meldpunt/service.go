// Package meldpunt is the anonymous reporting point: it takes reports, gives the reporter a
// receipt to come back with, and carries the conversation between reporter and institution.
// It keeps nothing about the reporter's phone or network.
package meldpunt

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"meldwijzer"
	"meldwijzer/dashboard"
	"meldwijzer/seal"
	"meldwijzer/sector"
)

// DefaultRetention is how long a closed report's text and messages are kept.
const DefaultRetention = 365 * 24 * time.Hour

// idempotencyTTL is how long a retry with the same Idempotency-Key gets the same answer.
const idempotencyTTL = 30 * 24 * time.Hour

// Service takes and answers reports.
type Service struct {
	store     meldwijzer.ReportStore
	auditLog  meldwijzer.AuditLog
	keys      *Keys
	sealer    *seal.Sealer
	known     func(institution string) bool
	now       func() time.Time
	retention time.Duration
	values    map[string][]string
	k         int
	incidents meldwijzer.IncidentStore
	notifier  Notifier
	// participants lists the institutions in the sector view (nil: none).
	participants func(context.Context) ([]sector.Participant, error)
	// sectorMemo keeps the suppression of the past months the sector view worked out.
	sectorMemo *sector.Memo
}

// Config wires a Service.
type Config struct {
	Store meldwijzer.ReportStore
	// AuditLog records staff access to reports; the institution side needs it.
	AuditLog meldwijzer.AuditLog
	Keys     *Keys
	// Sealer seals the text people write (description, messages) before it is stored.
	Sealer *seal.Sealer
	// Institution reports whether an institution takes reports.
	Institution func(id string) bool
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Retention after closing (DefaultRetention when zero).
	Retention time.Duration
	// Values are the ids a dashboard shows for each dimension (theme, where, audience, ground).
	Values map[string][]string
	// K is the smallest count a dashboard shows (dashboard.DefaultK when zero).
	K int
	// Incidents keeps the incidents staff register (nil: none are taken); their notes are
	// sealed by Sealer like a report's text.
	Incidents meldwijzer.IncidentStore
	// Notifier tells the meldpunt about new reports and messages (none: no notices).
	Notifier Notifier
	// Participants lists the institutions that take part in the sector view, with their region.
	Participants func(context.Context) ([]sector.Participant, error)
}

// New returns a service; it does no I/O.
func New(c Config) *Service {
	s := &Service{store: c.Store, auditLog: c.AuditLog, keys: c.Keys, sealer: c.Sealer, known: c.Institution, now: c.Now,
		retention: c.Retention, values: c.Values, k: c.K, incidents: c.Incidents, notifier: c.Notifier,
		participants: c.Participants, sectorMemo: &sector.Memo{}}
	if s.k == 0 {
		s.k = dashboard.DefaultK
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.retention == 0 {
		s.retention = DefaultRetention
	}
	return s
}

// Submission is what a person sends to the meldpunt.
type Submission struct {
	Audience    string   `json:"audience"`
	Lang        string   `json:"lang"`
	Theme       string   `json:"theme"`
	Where       string   `json:"where"`
	Grounds     []string `json:"grounds,omitempty"`
	When        string   `json:"when,omitempty"`
	Description string   `json:"description"`
	FollowUp    bool     `json:"followUp"`
}

// Receipt is the answer to a submission.
type Receipt struct {
	Report *meldwijzer.Report
	// Receipt is the code to come back with ("" when no answer was wanted). It is shown once.
	Receipt string
	// Created is false when this was a retry of an earlier submission.
	Created bool
}

// Submit files a report. The same Idempotency-Key with the same submission returns the first
// answer again and stores nothing; with another submission it is a conflict.
func (s *Service) Submit(ctx context.Context, institution, idempotencyKey string, sub Submission) (*Receipt, error) {
	if s.keys == nil {
		return nil, errNoKeys
	}
	if s.sealer == nil {
		return nil, errNoSealer
	}
	if !s.known(institution) {
		return nil, meldwijzer.Errorf(meldwijzer.ENOTFOUND, "unknown institution %q", institution)
	}
	if err := validIdempotencyKey(idempotencyKey); err != nil {
		return nil, err
	}
	if err := sub.validate(); err != nil {
		return nil, err
	}
	r := s.newReport(institution, sub, Day(s.now()))
	idem := s.newIdempotency(institution, idempotencyKey, sub, r)
	var receipt string
	if sub.FollowUp {
		receipt = s.keys.receipt(idem.Salt, idempotencyKey)
		r.ReceiptHash = s.keys.ReceiptHash(receipt)
	}

	// The report's key first: a stored report always has its key. When the write fails the key
	// stays (the write may have happened after all); a key without a report holds nothing.
	ref := ReportKey(institution, r.ID)
	box, err := s.sealer.Create(ctx, ref)
	if err != nil {
		return nil, err
	}
	stored, record, created, err := s.store.CreateReport(ctx, sealReport(box, r), idem)
	if err != nil {
		return nil, err
	}
	if created {
		stored.Description = r.Description
	} else {
		// A retry: the report and its key are the first request's, this key is nobody's.
		if err := s.sealer.Delete(ctx, ref); err != nil {
			return nil, err
		}
		if err := s.openReport(ctx, stored); err != nil {
			return nil, err
		}
	}
	if !created {
		if !hmac.Equal([]byte(record.RequestHash), []byte(idem.RequestHash)) {
			return nil, meldwijzer.Errorf(meldwijzer.ECONFLICT, "this Idempotency-Key was already used for another report; use a new key for a new report")
		}
		receipt = ""
		if stored.FollowUp {
			receipt = s.keys.receipt(record.Salt, idempotencyKey)
		}
	} else {
		s.notify(ctx, institution, meldwijzer.NoticeReport)
	}
	return &Receipt{Report: stored, Receipt: receipt, Created: created}, nil
}

// newReport is the report of a submission, received on the day now.
func (s *Service) newReport(institution string, sub Submission, now time.Time) *meldwijzer.Report {
	return &meldwijzer.Report{
		ID: newReportID(), Institution: institution,
		Audience: sub.Audience, Lang: sub.Lang, Theme: sub.Theme, Where: sub.Where,
		Grounds: sub.Grounds, When: sub.When, Description: strings.TrimSpace(sub.Description), FollowUp: sub.FollowUp,
		Status: meldwijzer.StatusReceived, CreatedAt: now, UpdatedAt: now,
		AcknowledgeBy: now.Add(meldwijzer.AcknowledgeWithin),
		FeedbackBy:    now.AddDate(0, meldwijzer.FeedbackMonths, 0),
	}
}

// newIdempotency is the idempotency record of the request that files r, with a fresh salt.
func (s *Service) newIdempotency(institution, idempotencyKey string, sub Submission, r *meldwijzer.Report) *meldwijzer.Idempotency {
	idem := &meldwijzer.Idempotency{
		KeyHash:     s.keys.idempotencyHash(institution, idempotencyKey),
		RequestHash: sub.hash(),
		ReportID:    r.ID,
		Salt:        make([]byte, 16),
		CreatedAt:   r.CreatedAt,
		ExpiresAt:   r.CreatedAt.Add(idempotencyTTL),
	}
	_, _ = rand.Read(idem.Salt)
	return idem
}

// Day is the day of t (UTC midnight): the only precision at which a report's times are kept.
func Day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// errNoReceipt is the one answer for every failed receipt lookup, whatever the reason, so that
// nobody can learn whether a receipt exists.
var errNoReceipt = meldwijzer.Errorf(meldwijzer.EUNAUTHORIZED, "this receipt is not known. Check the digits and try again.")

// PlausibleReceipt reports whether a receipt as typed has the right check digits, so that the
// caller may spend a store read on it (Self). Nearly every guess has not.
func (s *Service) PlausibleReceipt(receipt string) bool {
	return s.keys != nil && s.keys.Plausible(NormalizeReceipt(receipt))
}

// errNoKeys answers a receipt's work on a server without the master secret.
var errNoKeys = meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "this server takes no reports")

// ErrNoReceipt reports whether err is the answer to a failed receipt lookup.
func ErrNoReceipt(err error) bool { return meldwijzer.ErrorCode(err) == meldwijzer.EUNAUTHORIZED }

// Self returns the report that a receipt belongs to, with its messages.
func (s *Service) Self(ctx context.Context, receipt string) (*meldwijzer.Report, error) {
	receipt = NormalizeReceipt(receipt)
	if !s.PlausibleReceipt(receipt) {
		return nil, errNoReceipt
	}
	hash := s.keys.ReceiptHash(receipt)
	r, err := s.store.ReportByReceipt(ctx, hash)
	switch {
	case meldwijzer.ErrorCode(err) == meldwijzer.ENOTFOUND:
		return nil, errNoReceipt
	case err != nil:
		return nil, err
	case !hmac.Equal([]byte(r.ReceiptHash), []byte(hash)), r.Expired(s.now()):
		return nil, errNoReceipt
	}
	if err := s.openReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReporterMessage adds the reporter's message to the conversation of their report (found by
// Self from the receipt).
func (s *Service) ReporterMessage(ctx context.Context, r *meldwijzer.Report, text string) (*meldwijzer.Message, error) {
	m, _, err := s.addMessage(ctx, r.Institution, r.ID, meldwijzer.FromReporter, text)
	if err == nil {
		s.notify(ctx, r.Institution, meldwijzer.NoticeMessage)
	}
	return m, err
}

// CheckMessage says what is wrong with a message's text, if anything, before any other work.
func CheckMessage(text string) error {
	return validText("text", strings.TrimSpace(text), meldwijzer.MaxMessageLength)
}

// addMessage adds a message to a report's conversation; it returns the message and the report
// as the store left it.
func (s *Service) addMessage(ctx context.Context, institution, id, from, text string) (*meldwijzer.Message, *meldwijzer.Report, error) {
	text = strings.TrimSpace(text)
	if err := CheckMessage(text); err != nil {
		return nil, nil, err
	}
	m := meldwijzer.Message{From: from, Text: text, At: Day(s.now())}
	sm := m
	var (
		box *seal.Box
		err error
	)
	if sm.Text, box, err = s.sealText(ctx, institution, id, seal.MessageField(from), text); err != nil {
		return nil, nil, err
	}
	r, err := s.store.AddMessage(ctx, institution, id, sm)
	if err != nil {
		return nil, nil, err
	}
	if err := s.openReportWith(ctx, r, box); err != nil {
		return nil, nil, err
	}
	return &m, r, nil
}

func (sub *Submission) validate() error {
	switch {
	case !slices.Contains(meldwijzer.Audiences, sub.Audience):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "audience must be student or staff")
	case !slices.Contains(meldwijzer.Languages, sub.Lang):
		return meldwijzer.Errorf(meldwijzer.ELANG, "lang must be nl or en")
	case !slices.Contains(meldwijzer.Themes, sub.Theme):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "theme must be one of %s", strings.Join(meldwijzer.Themes, ", "))
	case !slices.Contains(meldwijzer.Wheres, sub.Where):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "where must be one of %s", strings.Join(meldwijzer.Wheres, ", "))
	case sub.When != "" && !slices.Contains(meldwijzer.Whens, sub.When):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "when must be one of %s", strings.Join(meldwijzer.Whens, ", "))
	case len(sub.Grounds) > 0 && sub.Theme != "discriminatie":
		return meldwijzer.Errorf(meldwijzer.EINVALID, "grounds belong only to the theme discriminatie")
	}
	seen := map[string]bool{}
	for _, g := range sub.Grounds {
		if !slices.Contains(meldwijzer.Grounds, g) || seen[g] {
			return meldwijzer.Errorf(meldwijzer.EINVALID, "grounds must be different values of %s", strings.Join(meldwijzer.Grounds, ", "))
		}
		seen[g] = true
	}
	slices.Sort(sub.Grounds)
	return validText("description", strings.TrimSpace(sub.Description), meldwijzer.MaxDescriptionLength)
}

func validText(field, text string, max int) error {
	switch {
	case text == "":
		return meldwijzer.Errorf(meldwijzer.EINVALID, "%s is empty", field)
	case !utf8.ValidString(text):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "%s is not valid UTF-8", field)
	case utf8.RuneCountInString(text) > max:
		return meldwijzer.Errorf(meldwijzer.EINVALID, "%s is longer than %d characters", field, max)
	}
	return nil
}

func validIdempotencyKey(k string) error {
	if len(k) < 16 || len(k) > 128 {
		return meldwijzer.Errorf(meldwijzer.EINVALID, "the Idempotency-Key header is required: a new random value (a UUID) for each report, the same one for a retry")
	}
	for _, r := range k {
		if r < '!' || r > '~' {
			return meldwijzer.Errorf(meldwijzer.EINVALID, "the Idempotency-Key header may only hold visible ASCII characters")
		}
	}
	return nil
}

// hash identifies the submission's content, to tell a retry from another report.
func (sub *Submission) hash() string {
	b, _ := json.Marshal(sub) // a struct of strings and bools always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newReportID returns 128 random bits in lower-case Crockford base32: an id that says nothing
// about when the report arrived (the store orders reports by day and sequence).
func newReportID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}
