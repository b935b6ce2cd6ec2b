package meldpunt

import (
	"context"
	"errors"
	"fmt"

	"meldwijzer"
	"meldwijzer/seal"
)

// The service seals a report's text before any store sees it and opens it after a read, so
// that both stores keep only ciphertext (and need not know about keys), and one place decides
// which fields are text. A report's text fields: its description, its messages (each under its
// sender's field name) and the handlers' notes. A new text field is sealed here too:
// Box.Seal(field, text) before the store call, and in sealReport, sealed, openReport and
// forgetText, with a field name of its own.

// errNoSealer answers on a server wired without a sealer (app.New always wires one).
var errNoSealer = meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "this server takes no reports")

// ReportKey names the data key of a report.
func ReportKey(institution, id string) meldwijzer.KeyRef {
	return meldwijzer.KeyRef{Institution: institution, Kind: meldwijzer.KeyKindReport, ID: id}
}

// sealReport returns a copy of r with its text sealed by b (r keeps its plain text).
func sealReport(b *seal.Box, r *meldwijzer.Report) *meldwijzer.Report {
	out := *r
	out.Description = b.Seal(seal.FieldDescription, r.Description)
	out.Messages = make([]meldwijzer.Message, len(r.Messages))
	for i, m := range r.Messages {
		m.Text = b.Seal(seal.MessageField(m.From), m.Text)
		out.Messages[i] = m
	}
	out.Notes = make([]meldwijzer.Note, len(r.Notes))
	for i, n := range r.Notes {
		n.Text = b.Seal(seal.FieldNote, n.Text)
		out.Notes[i] = n
	}
	return &out
}

// sealed reports whether any of r's text is sealed (a report stored before sealing existed
// has none, and needs no key to read).
func sealed(r *meldwijzer.Report) bool {
	if seal.Sealed(r.Description) {
		return true
	}
	for _, m := range r.Messages {
		if seal.Sealed(m.Text) {
			return true
		}
	}
	for _, n := range r.Notes {
		if seal.Sealed(n.Text) {
			return true
		}
	}
	return false
}

// openReport opens r's text in place. A report past its ExpiresAt has no text (its key may be
// deleted already): its text is forgotten, never opened.
func (s *Service) openReport(ctx context.Context, r *meldwijzer.Report) error {
	return s.openReportWith(ctx, r, nil)
}

// openReportWith is openReport with the report's box when the caller has it already (it just
// sealed a text), so that the key is fetched and unwrapped once per request.
func (s *Service) openReportWith(ctx context.Context, r *meldwijzer.Report, b *seal.Box) error {
	if r.Forget(s.now()) || !sealed(r) {
		return nil
	}
	if s.sealer == nil {
		return errNoSealer
	}
	var err error
	if b == nil {
		b, err = s.sealer.Open(ctx, ReportKey(r.Institution, r.ID))
	}
	if errors.Is(err, meldwijzer.ErrKeyNotFound) {
		// The key is written before the report, so a report without one has had its key
		// deleted: a copy brought back from a backup. Its text is gone, as for an expired report.
		forgetText(r)
		return nil
	}
	if err != nil {
		return err
	}
	if r.Description, err = b.Open(seal.FieldDescription, r.Description); err != nil {
		return fmt.Errorf("meldpunt: report %s: description: %w", r.ID, err)
	}
	for i := range r.Messages {
		m := &r.Messages[i]
		if m.Text, err = b.Open(seal.MessageField(m.From), m.Text); err != nil {
			return fmt.Errorf("meldpunt: report %s: message %d: %w", r.ID, i, err)
		}
	}
	for i := range r.Notes {
		n := &r.Notes[i]
		if n.Text, err = b.Open(seal.FieldNote, n.Text); err != nil {
			return fmt.Errorf("meldpunt: report %s: note %d: %w", r.ID, i, err)
		}
	}
	return nil
}

// sealText returns text sealed for field of the report, and the report's box (its key made
// now for a report stored before sealing existed).
func (s *Service) sealText(ctx context.Context, institution, id, field, text string) (string, *seal.Box, error) {
	if s.sealer == nil {
		return "", nil, errNoSealer
	}
	b, err := s.sealer.OpenOrCreate(ctx, ReportKey(institution, id))
	if err != nil {
		return "", nil, err
	}
	return b.Seal(field, text), b, nil
}

// forgetText removes r's text and keeps the rest (the number and senders of its messages and
// notes).
func forgetText(r *meldwijzer.Report) {
	r.Description = ""
	for i := range r.Messages {
		r.Messages[i].Text = ""
	}
	for i := range r.Notes {
		r.Notes[i].Text = ""
	}
}
