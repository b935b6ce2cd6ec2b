package catalog

import (
	"context"
	"slices"
	"strconv"
	"time"

	"meldwijzer"
	"meldwijzer/content"
)

// Settings is what an institution's admin reads and changes of its own record.
type Settings struct {
	catalog *Catalog
	store   meldwijzer.InstitutionStore
	content *content.Bundle
	audit   meldwijzer.AuditLog
	now     func() time.Time
}

// NewSettings returns the admin's service: writes are checked against the content (contact
// roles), audited in the log, and then written to the store (the one behind the catalog; nil:
// the settings are read from the catalog and cannot be changed).
func NewSettings(c *Catalog, store meldwijzer.InstitutionStore, b *content.Bundle, audit meldwijzer.AuditLog, now func() time.Time) *Settings {
	if now == nil {
		now = time.Now
	}
	return &Settings{catalog: c, store: store, content: b, audit: audit, now: now}
}

// Admin is the signed-in admin, as the audit log names them.
type Admin struct {
	Institution string
	Subject     string
}

// Institution returns the admin's institution as the store holds it now (not the cache's copy,
// so that an admin sees their own change at once).
func (s *Settings) Institution(ctx context.Context, id string) (*meldwijzer.Institution, error) {
	served, err := s.catalog.Institution(id)
	if err != nil {
		return nil, err
	}
	if s.store == nil {
		return served, nil
	}
	inst, err := s.store.Institution(ctx, id)
	if meldwijzer.ErrorCode(err) == meldwijzer.ENOTFOUND {
		return served, nil // a demo institution that nothing wrote yet (Options.Seed)
	}
	return inst, err
}

// SetContacts replaces the institution's help contacts. They are checked as `content check`
// checks the content (an EINVALID naming every problem, nothing written), audited, and written;
// the guide shows them within the catalog's TTL (at once in this process).
func (s *Settings) SetContacts(ctx context.Context, who Admin, contacts []meldwijzer.Contact) (*meldwijzer.Institution, error) {
	if s.store == nil || s.audit == nil {
		return nil, meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "institution settings are not set up on this server")
	}
	current, err := s.Institution(ctx, who.Institution)
	if err != nil {
		return nil, err
	}
	next := *current
	next.Contacts = slices.Clone(contacts)
	if next.Contacts == nil {
		next.Contacts = []meldwijzer.Contact{}
	}
	next.Updated = s.now().UTC().Truncate(time.Millisecond)
	if err := s.content.CheckInstitution(&next); err != nil {
		return nil, err
	}
	err = s.audit.AppendAudit(ctx, meldwijzer.AuditEntry{
		Institution: who.Institution, At: next.Updated, Actor: who.Subject, Role: "admin",
		Action: meldwijzer.AuditContacts, Detail: strconv.Itoa(len(next.Contacts)),
	})
	if err != nil {
		return nil, err
	}
	if err := s.store.PutInstitution(ctx, &next); err != nil {
		return nil, err
	}
	s.catalog.Forget()
	return &next, nil
}
