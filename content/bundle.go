// Package content holds Meldwijzer's reviewed content (flows, taxonomy, routes to help, demo
// institutions, the free-text vocabulary) as YAML, embedded into every binary, and the loader that
// turns it into a checked Bundle. Content editors change the YAML; the Go here only reads and checks it.
package content

import (
	"time"

	"meldwijzer"
)

// Text is one text in every language the product speaks. Both nl and en are required. It is the
// domain's type, so that an institution's contacts have one shape in the content and the store.
type Text = meldwijzer.Text

// Term is one value of a taxonomy dimension (a theme, a where, a ground, ...).
type Term struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	// Description says in plain words what the term covers (optional).
	Description *Text `yaml:"description,omitempty"`
}

// Taxonomy is the fixed vocabulary of ids that the API, storage and dashboard share (docs/design.md).
type Taxonomy struct {
	Themes    []Term `yaml:"themes"`
	Where     []Term `yaml:"where"`
	Grounds   []Term `yaml:"grounds"`
	Audiences []Term `yaml:"audiences"`
	// Involved is who is involved: asked in the staff flow, and "who did it" in the student flow.
	Involved []Term `yaml:"involved"`
	// Urgent are the kinds of acute need: danger (112), suicide (113), assault (recent sexual assault).
	Urgent []Term `yaml:"urgent"`
	// Statuses and Whens label a report's status and when it happened, for the pages to show.
	Statuses []Term `yaml:"statuses"`
	Whens    []Term `yaml:"whens"`
	// The incident registration's lists (meldwijzer.IncidentInvolved, ...), for the staff form.
	IncidentInvolved   []Term `yaml:"incidentInvolved"`
	IncidentCategories []Term `yaml:"incidentCategories"`
	IncidentActions    []Term `yaml:"incidentActions"`
	IncidentFollowUps  []Term `yaml:"incidentFollowUps"`
	// ContactRoles are the roles an institution fills with its own contacts (vertrouwenspersoon, ...).
	ContactRoles []ContactRole `yaml:"contactRoles"`
}

// ContactRole is a kind of contact inside an institution. Generic is what the guide shows when no
// institution was chosen or the institution has no contact for the role.
type ContactRole struct {
	ID      string `yaml:"id"`
	Name    Text   `yaml:"name"`
	For     Text   `yaml:"for"`
	Generic Text   `yaml:"generic"`
	// Required roles must be present in every institution file.
	Required bool `yaml:"required"`
}

// Route is an organisation outside the institution that helps. Every fact carries its source and
// the date it was verified against the organisation's own site.
type Route struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	// For says what they help with, in one or two short sentences.
	For Text `yaml:"for"`
	// Serves says who can go there (for example "jongeren tot 18 jaar").
	Serves Text `yaml:"serves"`
	// Phone is shown as written; Tel is what a tel: link dials (digits, optional leading +).
	Phone   string `yaml:"phone,omitempty"`
	Tel     string `yaml:"tel,omitempty"`
	Website string `yaml:"website,omitempty"`
	Chat    string `yaml:"chat,omitempty"`
	Hours   *Text  `yaml:"hours,omitempty"`
	// Urgent routes are for acute need (112, 113, Centrum Seksueel Geweld).
	Urgent   bool      `yaml:"urgent,omitempty"`
	Source   string    `yaml:"source"`
	Verified time.Time `yaml:"verified"`
}

// InstitutionRoute is the prefix of a route id that names a contact role of the institution
// ("institution:vertrouwenspersoon"): the guide shows the institution's own contact for it.
const InstitutionRoute = "institution:"

// Institution is a fictitious demo institution with its own help contacts: the seed that demo
// mode writes into the institution store (real institutions live only in the store).
type Institution struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Demo marks a clearly fictitious institution used for demos and tests.
	Demo     bool      `yaml:"demo"`
	Contacts []Contact `yaml:"contacts"`

	file string
}

// Contact is an institution's own contact for a role: the domain's type (see Text).
type Contact = meldwijzer.Contact

// State is the position in a conversation beyond the node: the values chosen so far, keyed by
// dimension (theme, where, involved, urgent). The client carries it inside the node id.
type State map[string]string

// Condition matches a State: every key must hold one of the listed values. The key "audience"
// matches the flow's audience. The value "none" (Unset) matches a dimension the state does not hold
// yet, so that a question is offered only until it is answered. An empty Condition matches everything.
type Condition map[string][]string

// Unset is the condition value that matches a dimension the state does not hold.
const Unset = "none"

// Flow is one guided conversation (student or staff).
type Flow struct {
	Audience string `yaml:"audience"`
	Start    string `yaml:"start"`
	// Urgent is the node with the emergency routes ("Direct hulp" and urgent messages open it).
	Urgent string `yaml:"urgent"`
	// Answer is the route page that a typed message continues from once its theme is known.
	Answer string `yaml:"answer"`
	// Story, when set, is where a typed story continues instead of Answer: the first question it
	// did not answer is asked from there (staff: who is involved decides the protocol).
	Story string `yaml:"story,omitempty"`
	// Unclear is said, in one sentence, when a typed message could not be read; the current
	// question follows it with its options (never the start again).
	Unclear Text `yaml:"unclear"`
	// Noted is said instead when the message was read (a theme, a place, who is involved) but
	// told nothing the position did not know and did not answer its question: the person told
	// more of their story, and "I did not understand" would be untrue and unkind.
	Noted Text `yaml:"noted"`
	// SchoolTalk is said before the direct question about suicide when the message was about
	// school itself going badly ("ik zie het nut van deze opleiding niet meer"): why the guide
	// asks about life after a message about school.
	SchoolTalk Text `yaml:"schoolTalk"`
	// Ask names, per urgent kind, the node that asks directly ("Denk je erover om een eind aan je
	// leven te maken?") when a typed message makes that risk possible but not clear.
	Ask map[string]string `yaml:"ask"`
	// Hint is, per urgent kind, the help line an answer carries when a typed message shows some
	// risk of that kind, less than the direct question needs: one sentence and the route to call.
	// The conversation goes on as it was; a cry the reader reads as unlikely still finds the number.
	Hint  map[string]Hint  `yaml:"hint"`
	Nodes map[string]*Node `yaml:"nodes"`

	file string
}

// Hint is one help line: a sentence and the emergency route it points to.
type Hint struct {
	Text  Text   `yaml:"text"`
	Route string `yaml:"route"`
}

// Node is one step of a flow: a text, options to choose, and on a route page the routes to help.
type Node struct {
	Text Text `yaml:"text"`
	// Question is the node's question alone (Text without a greeting), asked again after a typed
	// message that could not be read.
	Question *Text `yaml:"question,omitempty"`
	// Asks names the dimension this node asks for. When the state already holds it, the guide
	// follows the matching option at once instead of asking again.
	Asks    string    `yaml:"asks,omitempty"`
	Options []*Option `yaml:"options,omitempty"`
	// Steps is an ordered list of things to do (the staff protocol).
	Steps []Text `yaml:"steps,omitempty"`
	// Routes are route ids ("alarm-112") or institution roles ("institution:vertrouwenspersoon")
	// shown on this node, in this order, before the routes that the routing rules add, when no
	// matching variant has routes of its own.
	Routes []string `yaml:"routes,omitempty"`
	// Routing makes this node a route page: the routing rules add routes for the state.
	Routing bool `yaml:"routing,omitempty"`
	// Variants change the node for states that match: the first matching variant's text replaces
	// the node's text; every matching variant's steps and routes are added.
	Variants []*Variant `yaml:"variants,omitempty"`
	// Report offers "anoniem melden" (anonymous report) on this node.
	Report bool `yaml:"report,omitempty"`
}

// Variant is a part of a node that applies only in some states.
type Variant struct {
	When   Condition `yaml:"when"`
	Text   *Text     `yaml:"text,omitempty"`
	Steps  []Text    `yaml:"steps,omitempty"`
	Routes []string  `yaml:"routes,omitempty"`
}

// Option is a choice offered on a node.
type Option struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	Next  string `yaml:"next"`
	// Set adds values to the state (theme, where, involved, urgent).
	Set State `yaml:"set,omitempty"`
	// Reset starts from an empty state ("start again").
	Reset bool `yaml:"reset,omitempty"`
	// When limits the option to states that match.
	When Condition `yaml:"when,omitempty"`
	// Words are typed answers that mean this option ("ja", "yes", "klopt"), besides its label.
	Words []string `yaml:"words,omitempty"`
}

// Rule adds routes to route pages whose state matches When.
type Rule struct {
	When   Condition `yaml:"when"`
	Routes []string  `yaml:"routes"`
}

// Routing is the set of rules that choose routes for a route page.
type Routing struct {
	Rules []Rule `yaml:"rules"`
}
