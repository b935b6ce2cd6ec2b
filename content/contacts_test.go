package content_test

import (
	"strings"
	"testing"
	"time"

	"meldwijzer"
	"meldwijzer/content"
)

// The one contact check serves the store's writers as it serves `content check`: the demo seed
// passes, every problem is named with its place, and a school without contacts yet passes.
func TestCheckInstitution(t *testing.T) {
	b, err := content.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	seed := b.DemoSeed(time.Now())
	if len(seed) < 2 {
		t.Fatalf("demo seed: %d institutions", len(seed))
	}
	for _, inst := range seed {
		if err := b.CheckInstitution(inst); err != nil {
			t.Errorf("%s: %v", inst.ID, err)
		}
	}
	empty := &meldwijzer.Institution{ID: "roc-nieuw", Name: "ROC Nieuw"}
	if err := b.CheckInstitution(empty); err != nil {
		t.Errorf("a school without contacts yet: %v", err)
	}
	bad := *seed[0]
	bad.Contacts = append([]meldwijzer.Contact(nil), seed[0].Contacts...)
	bad.Contacts[0].Role = "conciërge"
	bad.Contacts[1].Tel, bad.Contacts[1].Phone = "030-12", "030-12"
	bad.Contacts[2].Email = "vp@school.nl" // a demo school writes only to .example
	err = b.CheckInstitution(&bad)
	if meldwijzer.ErrorCode(err) != meldwijzer.EINVALID {
		t.Fatalf("want invalid, got %v", err)
	}
	for _, want := range []string{
		`contacts[0].role: unknown contact role "conciërge"`,
		`contacts[1].tel: tel "030-12" must be digits only`,
		`contacts[2].email: a demo institution's address must end in .example`,
		`required role "mentor"`,
	} {
		if !strings.Contains(meldwijzer.ErrorMessage(err), want) {
			t.Errorf("the message lacks %q:\n%s", want, meldwijzer.ErrorMessage(err))
		}
	}
	if bad.ID = "ROC"; meldwijzer.ErrorCode(b.CheckInstitution(&bad)) != meldwijzer.EINVALID {
		t.Error("the record's own fields are checked too")
	}
}
