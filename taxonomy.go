package meldwijzer

// The stable ids of the taxonomy in docs/design.md. The API, storage and dashboard use them; content
// labels them. `meldwijzer content check` makes sure the content has exactly these.
var (
	Themes    = []string{"discriminatie", "seksueel", "agressie", "pesten", "criminaliteit", "stagemisbruik", "discussie", "thuis", "anders"}
	Wheres    = []string{"school", "stage", "online", "elders"}
	Grounds   = []string{"herkomst", "religie", "seksuele-orientatie", "gender", "handicap", "leeftijd", "anders"}
	Audiences = []string{"student", "staff"}
	// UrgentKinds: acute danger (112), suicidal thoughts (113), recent sexual assault (Centrum Seksueel Geweld).
	UrgentKinds = []string{"danger", "suicide", "assault"}
	Languages   = []string{"nl", "en"}
	// Involved is who is involved (the staff flow asks it; the student's route page asks who did it).
	Involved = []string{"student-student", "medewerker-student", "stage", "naar-medewerker", "thuis", "partner", "werk", "online", "getuige", "onbekend"}
)

// The incident's lists (incident.go): what a staff member ticks when they register an incident.
var (
	// IncidentInvolved are those involved, by role and never by name: a student, a staff
	// member, a parent, the intern's workplace (the leerbedrijf) and anyone else.
	IncidentInvolved = []string{"student", "staff", "parent", "workplace", "outsider"}
	// IncidentCategories are what happened; an incident may be several.
	IncidentCategories = []string{"physical", "weapon", "threat", "damage", "sexual", "online", "discrimination", "theft", "drugs", "police", "other"}
	// IncidentActions are what was done: the staff protocol's steps, ticked.
	IncidentActions = []string{"safety", "first-aid", "emergency", "manager", "vertrouwenspersoon", "parents", "police-report", "aftercare", "meldcode"}
	// IncidentFollowUps are the follow-up that is still needed.
	IncidentFollowUps = []string{"none", "aftercare", "conversation", "measure", "referral"}
)
