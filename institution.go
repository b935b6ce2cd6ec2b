package meldwijzer

import (
	"context"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Institution is a school that takes reports: a record in the store, added by the operator
// (`meldwijzer institution add`) and kept up to date by the school's own admin. The guide shows
// its contacts; sign-in maps its domains and groups to it.
type Institution struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Demo marks a clearly fictitious institution: it exists only in demo mode.
	Demo bool `json:"demo,omitempty"`
	// Domains are the sign-in domains of its staff (SURFconext's schac_home_organization).
	Domains []string `json:"domains,omitempty"`
	// Groups maps the school's own group names (from its identity provider) to a role; a group
	// that is not here grants nothing.
	Groups map[string]string `json:"groups,omitempty"`
	// MeldpuntEmail gets the notifications without content ("Er is een nieuwe melding").
	MeldpuntEmail string `json:"meldpuntEmail,omitempty"`
	// Region and Sector: where it is, and whether it takes part in the sector view.
	Region string `json:"region,omitempty"`
	Sector bool   `json:"sector,omitempty"`
	// Contacts are its own help contacts per contact role (mentor, vertrouwenspersoon, ...).
	Contacts []Contact `json:"contacts"`
	Updated  time.Time `json:"updated"`
}

// Contact is an institution's own contact for a contact role; the roles are the content's.
type Contact struct {
	Role    string `json:"role" yaml:"role"`
	Name    Text   `json:"name" yaml:"name"`
	For     *Text  `json:"for,omitempty" yaml:"for,omitempty"`
	Phone   string `json:"phone,omitempty" yaml:"phone,omitempty"`
	Tel     string `json:"tel,omitempty" yaml:"tel,omitempty"`
	Email   string `json:"email,omitempty" yaml:"email,omitempty"`
	Website string `json:"website,omitempty" yaml:"website,omitempty"`
	Hours   *Text  `json:"hours,omitempty" yaml:"hours,omitempty"`
}

// Text is a text in Dutch and English.
type Text struct {
	NL string `json:"nl" yaml:"nl"`
	EN string `json:"en" yaml:"en"`
}

// InstitutionReader reads the institution records: all that the guide's function needs, so
// that it can link a reader that cannot write (store/dynamoread).
type InstitutionReader interface {
	// Institution returns the record; ENOTFOUND if there is none.
	Institution(ctx context.Context, id string) (*Institution, error)
	// Institutions lists every record, sorted by id (empty, not nil, when there are none).
	Institutions(ctx context.Context) ([]*Institution, error)
}

// InstitutionStore keeps the institutions.
type InstitutionStore interface {
	InstitutionReader
	// PutInstitution adds or replaces the record (and its domain index) in one write.
	PutInstitution(ctx context.Context, inst *Institution) error
	// InstitutionByDomain returns the institution that registered the sign-in domain; ENOTFOUND
	// if none did.
	InstitutionByDomain(ctx context.Context, domain string) (*Institution, error)
	// DeleteInstitution removes the record and its domain index; ENOTFOUND if there is none.
	DeleteInstitution(ctx context.Context, id string) error
}

// MaxDomains bounds an institution's sign-in domains, so that replacing them stays one atomic
// write (a DynamoDB transaction holds at most 100 items: the record, the old and the new domains).
const MaxDomains = 40

// ErrDomainTaken is the answer when a sign-in domain belongs to another institution.
func ErrDomainTaken(domain, other string) error {
	return Errorf(ECONFLICT, "domain %q is registered by institution %q", domain, other)
}

// ErrInstitutionNotFound is the answer for an id without a record.
func ErrInstitutionNotFound(id string) error {
	return Errorf(ENOTFOUND, "unknown institution %q", id)
}

// The patterns are compiled when a record is first checked, not at every cold start (the domain
// pattern's counted repeats make a large program).
var (
	institutionID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })
	domainName    = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	})
)

// Validate checks the record's own fields. Whether its contact roles exist is the content's
// to say (content check), so the caller checks them beside this.
func (i *Institution) Validate() error {
	switch {
	case len(i.ID) < 2 || len(i.ID) > 64 || !institutionID().MatchString(i.ID):
		return Errorf(EINVALID, "id must be 2 to 64 lowercase letters, digits and single hyphens")
	case strings.TrimSpace(i.Name) == "" || len(i.Name) > 200:
		return Errorf(EINVALID, "name must be 1 to 200 characters")
	}
	if len(i.Domains) > MaxDomains {
		return Errorf(EINVALID, "an institution has at most %d sign-in domains", MaxDomains)
	}
	for k, d := range i.Domains {
		if !domainName().MatchString(d) {
			return Errorf(EINVALID, "domain %q is not a lowercase domain name", d)
		}
		if slices.Contains(i.Domains[:k], d) {
			return Errorf(EINVALID, "domain %q is listed twice", d)
		}
	}
	if i.MeldpuntEmail != "" {
		if a, err := mail.ParseAddress(i.MeldpuntEmail); err != nil || a.Address != i.MeldpuntEmail {
			return Errorf(EINVALID, "meldpuntEmail must be a plain address such as meldpunt@school.nl")
		}
	}
	return nil
}

// Contact returns the institution's contact for a contact role, or nil.
func (i *Institution) Contact(role string) *Contact {
	for k := range i.Contacts {
		if i.Contacts[k].Role == role {
			return &i.Contacts[k]
		}
	}
	return nil
}

// In returns the text in lang ("nl" or "en").
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.NL
}
