package content

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"meldwijzer"
)

// MaxContacts bounds an institution's contacts (there are a handful of contact roles).
const MaxContacts = 40

// ContactProblem is one thing wrong with an institution's contacts; At is its place in the
// record ("contacts", 2, "email"), for a file's line or an admin's message.
type ContactProblem struct {
	At      []any
	Message string
}

func (p ContactProblem) String() string {
	if len(p.At) == 0 {
		return p.Message
	}
	return pathString(p.At) + ": " + p.Message
}

// CheckContacts checks an institution's contacts against the content: known contact roles, each
// at most once, every required role present, both languages of every text, phone and tel
// together (tel dials digits), e-mail addresses and https websites; a demo institution has no
// phone numbers and only .example addresses. An institution without any contacts yet passes:
// the guide shows each role's generic text for it. It is the one check that both `content check` (the
// demo seed) and every write to the institution store (the CLI, an admin's edit) use.
func (b *Bundle) CheckContacts(inst *meldwijzer.Institution) []ContactProblem {
	var ps []ContactProblem
	add := func(at []any, format string, args ...any) {
		ps = append(ps, ContactProblem{At: at, Message: fmt.Sprintf(format, args...)})
	}
	text := func(at []any, t *meldwijzer.Text) {
		if t == nil {
			return
		}
		if strings.TrimSpace(t.NL) == "" {
			add(at, "the Dutch text (nl) is missing")
		}
		if strings.TrimSpace(t.EN) == "" {
			add(at, "the English text (en) is missing")
		}
		if len(t.NL) > 1000 || len(t.EN) > 1000 {
			add(at, "a text is at most 1000 characters")
		}
	}
	if len(inst.Contacts) > MaxContacts {
		add(path_("contacts"), "an institution has at most %d contacts", MaxContacts)
		return ps
	}
	seen := map[string]bool{}
	for i, c := range inst.Contacts {
		at := path_("contacts", i)
		if b.roles[c.Role] == nil {
			add(append(at, "role"), "unknown contact role %q (known: %s)", c.Role, strings.Join(b.contactRoleIDs(), ", "))
		}
		if seen[c.Role] {
			add(append(at, "role"), "contact role %q appears twice", c.Role)
		}
		seen[c.Role] = true
		text(append(at, "name"), &c.Name)
		text(append(at, "for"), c.For)
		text(append(at, "hours"), c.Hours)
		if (c.Phone == "") != (c.Tel == "") {
			add(at, "phone and tel go together (tel is what a tel: link dials)")
		}
		if c.Tel != "" && !telRe().MatchString(c.Tel) {
			add(append(at, "tel"), "tel %q must be digits only, with an optional leading +", c.Tel)
		}
		if len(c.Phone) > 40 {
			add(append(at, "phone"), "a phone number is at most 40 characters")
		}
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				add(append(at, "email"), "%q is not an e-mail address (write it plainly, such as vertrouwenspersoon@school.nl)", c.Email)
			}
			if inst.Demo && !strings.HasSuffix(c.Email, ".example") {
				add(append(at, "email"), "a demo institution's address must end in .example, so no mail reaches a real person")
			}
		}
		if c.Website != "" {
			if u, err := url.Parse(c.Website); err != nil || u.Scheme != "https" || u.Host == "" || len(c.Website) > 500 {
				add(append(at, "website"), "%q is not an https:// address", c.Website)
			}
		}
		if inst.Demo && c.Phone != "" {
			add(append(at, "phone"), "a demo institution has no phone numbers: a made-up number may belong to a real person")
		}
	}
	for _, r := range b.Taxonomy.ContactRoles {
		// A school added without contacts yet is allowed: the guide shows the generic texts
		// until its admin fills them in. Once it has contacts, the required roles are there.
		if r.Required && !seen[r.ID] && len(inst.Contacts) > 0 {
			add(path_("contacts"), "the institution has no contact for the required role %q", r.ID)
		}
	}
	return ps
}

// CheckInstitution is the check before any write to the institution store: the record's own
// fields (meldwijzer.Institution.Validate) and its contacts (CheckContacts). Its EINVALID error
// names every problem, so that an admin can fix them in one go.
func (b *Bundle) CheckInstitution(inst *meldwijzer.Institution) error {
	if err := inst.Validate(); err != nil {
		return err
	}
	ps := b.CheckContacts(inst)
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.String()
	}
	return meldwijzer.Errorf(meldwijzer.EINVALID, "%s", strings.Join(msgs, "; "))
}

func (b *Bundle) contactRoleIDs() []string {
	ids := make([]string, len(b.Taxonomy.ContactRoles))
	for i, r := range b.Taxonomy.ContactRoles {
		ids[i] = r.ID
	}
	return ids
}

// DemoSeed is the demo institutions of the content as store records: what demo mode writes into
// the institution store.
func (b *Bundle) DemoSeed(updated time.Time) []*meldwijzer.Institution {
	var out []*meldwijzer.Institution
	for _, inst := range b.Institutions {
		if inst.Demo {
			out = append(out, inst.Record(updated))
		}
	}
	return out
}
