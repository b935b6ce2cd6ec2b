package notify

import (
	"strings"

	"meldwijzer"
)

// The mails, Dutch (B1) with English beside it. They are fixed texts: nothing in them comes
// from a report, so no report can leak through them, whoever reads the meldpunt's inbox.
var messages = map[string]struct{ subjectNL, subjectEN, nl, en string }{
	meldwijzer.NoticeReport: {
		"Nieuwe melding", "New report",
		"Er is een nieuwe melding. Log in om die te lezen.",
		"There is a new report. Sign in to read it.",
	},
	meldwijzer.NoticeMessage: {
		"Nieuw bericht", "New message",
		"Een melder heeft een nieuw bericht gestuurd. Log in om het te lezen.",
		"A reporter has sent a new message. Sign in to read it.",
	},
	meldwijzer.NoticeDeadline: {
		"Termijn verloopt bijna", "Deadline soon",
		"Over twee dagen verloopt een termijn van een melding. Log in om te zien wat er nog moet gebeuren.",
		"A deadline of a report ends in two days. Sign in to see what still needs to be done.",
	},
}

const footerNL = "In deze mail staat niets over de melding zelf. Zo blijft de melding veilig, ook als iemand anders deze mail ziet."
const footerEN = "This mail says nothing about the report itself. That keeps the report safe, even if someone else sees this mail."

// Message is the mail for a kind of notice, without its address.
func Message(kind string) (Mail, error) {
	t, ok := messages[kind]
	if !ok {
		return Mail{}, meldwijzer.Errorf(meldwijzer.EINVALID, "unknown notice kind %q", kind)
	}
	body := strings.Join([]string{t.nl, "", t.en, "", "-- ", footerNL, footerEN, ""}, "\n")
	return Mail{Subject: "Meldwijzer: " + t.subjectNL + " / " + t.subjectEN, Body: body}, nil
}
