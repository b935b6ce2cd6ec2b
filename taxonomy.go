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
