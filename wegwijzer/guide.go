// Package wegwijzer is the guide: it walks a person through a flow from content/ and reads what
// they type, and it renders each step in their language with the institution's own contacts.
// It keeps no session and stores nothing: the client carries the position in the node id.
package wegwijzer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"meldwijzer"
	"meldwijzer/classify"
	"meldwijzer/content"
	"meldwijzer/internal/snapcache"
)

// Guide answers the wegwijzer's steps and messages.
type Guide struct {
	content *content.Bundle
	// reader returns the reader of typed messages (compiled once, maybe after start-up).
	reader func() (*classify.Reader, error)
	// answers are the normalised texts that mean each option (answerForms), made when a typed
	// message first meets the option: the first typed message pays for its own question's
	// options only.
	answers *snapcache.Cache[*content.Option, answerForms]
	// institutions finds the institution a request names (the store behind a short cache when
	// served; the content's demo institutions on their own, for content tests).
	institutions Institutions
	// nodes remembers rendered nodes, shared and never changed: rendering is most of a step's
	// work, and people arrive at the same few nodes.
	nodes *snapcache.Cache[nodeKey, *Node]
}

// nodeKey is everything a rendered node depends on: the flow, the position, the language and the
// institution's record (its id, and when it last changed: a change renders anew).
type nodeKey struct {
	flow              *content.Flow
	position, lang    string
	institution       string
	institutionUpdate int64
}

// maxNodes bounds the rendered nodes kept (a node is a few KB); freshNodes make a snapshot.
const maxNodes, freshNodes = 4096, 32

func newNodeCache() *snapcache.Cache[nodeKey, *Node] {
	return snapcache.New[nodeKey, *Node](maxNodes, freshNodes, nil)
}

// Institutions finds an institution's record; ENOTFOUND when there is none.
type Institutions interface {
	Institution(id string) (*meldwijzer.Institution, error)
}

// WithInstitutions returns the guide reading institutions from src (app.New gives it the
// institution store behind catalog's cache).
func (g *Guide) WithInstitutions(src Institutions) *Guide {
	c := *g
	c.institutions = src
	c.nodes = newNodeCache()
	return &c
}

// seedInstitutions are the content's demo institutions: a guide's source until WithInstitutions.
type seedInstitutions map[string]*meldwijzer.Institution

func (s seedInstitutions) Institution(id string) (*meldwijzer.Institution, error) {
	if inst := s[id]; inst != nil {
		return inst, nil
	}
	return nil, meldwijzer.ErrInstitutionNotFound(id)
}

// New returns a guide over checked content and a reader for typed messages.
func New(b *content.Bundle, r *classify.Reader) *Guide {
	return newGuide(b, func() (*classify.Reader, error) { return r, nil })
}

// Embedded returns the guide over the content built into the binary, for serving. Nothing is
// parsed or compiled, at a cold start nor at the first typed message: the content is the snapshot
// checked at build time (content.LoadEmbedded), and the reader's vocabulary and concept lexicon
// were compiled and checked at build time too (classify.EmbeddedVocabulary). The reader is still
// made at the first typed message, as most conversations begin with a button.
func Embedded() (*Guide, *content.Bundle, error) {
	b, err := content.LoadEmbedded()
	if err != nil {
		return nil, nil, err
	}
	reader := sync.OnceValues(func() (*classify.Reader, error) {
		return classify.NewReader(classify.EmbeddedVocabulary(), classify.Embedded()), nil
	})
	return newGuide(b, reader), b, nil
}

func newGuide(b *content.Bundle, reader func() (*classify.Reader, error)) *Guide {
	seed := seedInstitutions{}
	for _, inst := range b.DemoSeed(time.Time{}) {
		seed[inst.ID] = inst
	}
	return &Guide{content: b, reader: reader, institutions: seed, nodes: newNodeCache(),
		answers: snapcache.New[*content.Option, answerForms](maxOptions, freshOptions, nil)}
}

// maxOptions bounds the options whose answer forms are kept (the content has a few hundred);
// freshOptions make a snapshot.
const maxOptions, freshOptions = 4096, 16

// StepRequest asks for a node: the start (no Node), a node again (Node, no Choice), or the node
// that a choice leads to (Node and Choice).
type StepRequest struct {
	Audience    string `json:"audience"`
	Lang        string `json:"lang"`
	Institution string `json:"institution,omitempty"`
	Node        string `json:"node,omitempty"`
	Choice      string `json:"choice,omitempty"`
}

// MessageRequest is a typed message, typed at a position (Node; the start when empty). Its text
// is never stored or logged.
type MessageRequest struct {
	Audience    string `json:"audience"`
	Lang        string `json:"lang"`
	Text        string `json:"text"`
	Institution string `json:"institution,omitempty"`
	Node        string `json:"node,omitempty"`
}

// Node is one step as the person sees it.
type Node struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Options []Option `json:"options"`
	Theme   string   `json:"theme,omitempty"`
	Where   string   `json:"where,omitempty"`
	Urgent  bool     `json:"urgent,omitempty"`
	Steps   []string `json:"steps,omitempty"`
	// Report offers "anoniem melden" at the institution's meldpunt.
	Report bool    `json:"report,omitempty"`
	Routes []Route `json:"routes,omitempty"`
	// Hint is the help line a typed message's answer carries when the reader found some risk in
	// it, less than the direct question needs (only in an answer to a message, never shared).
	Hint *Hint `json:"hint,omitempty"`

	// encoded is the node as JSON, made once for a shared node (render).
	encoded []byte
}

// nodeFields is Node without its MarshalJSON.
type nodeFields Node

// MarshalJSON writes the node; a shared node was encoded once, when it was rendered.
func (n *Node) MarshalJSON() ([]byte, error) {
	if n.encoded != nil {
		return n.encoded, nil
	}
	return json.Marshal((*nodeFields)(n))
}

// Option is a button. Urgent marks the way to the emergency routes ("Ik ben nu in gevaar").
type Option struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Urgent bool   `json:"urgent,omitempty"`
}

// Route is a card on a route page: someone to go to, with how to reach them.
type Route struct {
	ID string `json:"id"`
	// Kind is emergency (acute: 112, 113, Centrum Seksueel Geweld), institution (the school's own
	// contacts) or outside (other organisations).
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	For    string `json:"for"`
	Serves string `json:"serves,omitempty"`
	// How says how to reach an institution's contact (or how to find them, without an institution).
	How     string `json:"how,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Tel     string `json:"tel,omitempty"`
	Website string `json:"website,omitempty"`
	Chat    string `json:"chat,omitempty"`
	Email   string `json:"email,omitempty"`
	Hours   string `json:"hours,omitempty"`
	// Source and Verified say where the facts were checked and when.
	Source   string `json:"source,omitempty"`
	Verified string `json:"verified,omitempty"`
}

// Hint is one help line: a sentence and the emergency route to call or chat.
type Hint struct {
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Route Route  `json:"route"`
}

// MessageAnswer is what a typed message was read as, and the node to continue from.
type MessageAnswer struct {
	Theme  *string `json:"theme"`
	Where  *string `json:"where"`
	Urgent bool    `json:"urgent"`
	Node   *Node   `json:"node"`
}

// MarshalJSON writes the answer around its node's JSON, which a shared node has ready.
func (a *MessageAnswer) MarshalJSON() ([]byte, error) {
	pieces, err := a.JSONPieces()
	if err != nil {
		return nil, err
	}
	return slices.Concat(pieces[:]...), nil
}

// JSONPieces is the answer's JSON in three pieces, to be written one after the other: the
// answer's own fields, the node's JSON (shared: never to be changed) and the closing brace. A
// server writes them as they are, without copying the node's few kilobytes into one slice.
func (a *MessageAnswer) JSONPieces() ([3][]byte, error) {
	node := []byte("null")
	if a.Node != nil {
		var err error
		if node, err = a.Node.MarshalJSON(); err != nil {
			return [3][]byte{}, err
		}
	}
	head := make([]byte, 0, 96)
	head = append(head, `{"theme":`...)
	head = appendOptional(head, a.Theme)
	head = append(head, `,"where":`...)
	head = appendOptional(head, a.Where)
	head = append(head, `,"urgent":`...)
	head = strconv.AppendBool(head, a.Urgent)
	head = append(head, `,"node":`...)
	return [3][]byte{head, node, closingBrace}, nil
}

var closingBrace = []byte{'}'}

// appendOptional appends s as a JSON string, or null when it is nil. Themes and places are
// content ids (plain ASCII letters, digits and dashes) and are written as they are; anything
// else goes through encoding/json, which escapes it.
func appendOptional(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	for _, c := range []byte(*s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			quoted, _ := json.Marshal(*s) // a string always encodes
			return append(b, quoted...)
		}
	}
	return append(append(append(b, '"'), *s...), '"')
}

// ownNode is the rendered node with what this message adds to it, on a copy (the node is shared):
// after a message that did not move the conversation, a sentence before the question again
// ("not understood", or thanks when it was read); after some risk, the help line, unless the node
// shows its number already (the emergency answer, a direct question); before the direct question
// about suicide after a message about school itself, why it asks.
func (g *Guide) ownNode(f *content.Flow, at content.Position, node *Node, understood bool, read classify.Reading, lang string, inst *meldwijzer.Institution) *Node {
	hint, hinted := f.Hint[read.Hint]
	hinted = hinted && !node.showsFirst(hint.Route)
	school := read.School && at.Node == f.Ask["suicide"]
	if understood && !hinted && !school {
		return node
	}
	own := *node
	own.encoded = nil
	if school {
		own.Text = f.SchoolTalk.In(lang) + "\n" + node.Text
	}
	if !understood {
		said := f.Unclear
		if read.Theme != "" || read.Where != "" || read.Involved != "" {
			said = f.Noted // read, but no answer to the question: more of the story
		}
		own.Text = said.In(lang) + "\n" + question(f.Nodes[at.Node], lang)
	}
	if hinted {
		own.Hint = &Hint{Kind: read.Hint, Text: hint.Text.In(lang), Route: g.route(hint.Route, lang, inst)}
	}
	return &own
}

// showsFirst reports whether the route is among the emergency routes the node opens with: those
// stay in view on the phone (the rest wait behind "Meer hulp").
func (n *Node) showsFirst(route string) bool {
	for _, r := range n.Routes {
		if r.Kind != "emergency" {
			return false
		}
		if r.ID == route {
			return true
		}
	}
	return false
}

// Step answers a step request.
func (g *Guide) Step(r StepRequest) (*Node, error) {
	f, inst, err := g.context(r.Audience, r.Lang, r.Institution)
	if err != nil {
		return nil, err
	}
	if r.Node == "" && r.Choice != "" {
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "choice needs the node it was made on")
	}
	p := content.Position{Node: f.Start}
	if r.Node != "" {
		if p, err = g.content.ParsePosition(f, r.Node); err != nil {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "unknown node %q", r.Node)
		}
	}
	if r.Choice != "" {
		p, err = f.Choose(p, r.Choice) // Choose resolves the node it leads to
		if errors.Is(err, content.ErrUnknownChoice) {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "node %q does not offer the choice %q", r.Node, r.Choice)
		}
	} else {
		p, err = f.Resolve(p)
	}
	if err != nil {
		return nil, err
	}
	return g.render(f, p, r.Lang, inst), nil
}

// Message reads a typed message at the person's position and answers with the node to continue
// from. Urgent always wins: the emergency node comes first, whatever else the text says.
func (g *Guide) Message(r MessageRequest) (*MessageAnswer, error) {
	f, inst, err := g.context(r.Audience, r.Lang, r.Institution)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(r.Text)
	switch {
	case text == "":
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "text is empty")
	case utf8.RuneCountInString(r.Text) > meldwijzer.MaxMessageLength:
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "text is longer than %d characters", meldwijzer.MaxMessageLength)
	case !utf8.ValidString(r.Text):
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "text is not valid UTF-8")
	}
	at := content.Position{Node: f.Start, State: content.State{}}
	if r.Node != "" {
		if at, err = g.content.ParsePosition(f, r.Node); err != nil {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "unknown node %q", r.Node)
		}
	}
	reader, err := g.reader()
	if err != nil {
		return nil, err
	}
	read := reader.Read(text)
	next, understood, err := g.continueAt(f, at, read)
	if err != nil {
		return nil, err
	}
	node := g.ownNode(f, next, g.render(f, next, r.Lang, inst), understood, read, r.Lang, inst)
	return &MessageAnswer{
		Theme: orNil(next.State["theme"]), Where: orNil(next.State["where"]),
		Urgent: next.Node == f.Urgent, Node: node,
	}, nil
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// context checks the parts every request shares and returns the flow and institution.
func (g *Guide) context(audience, lang, institution string) (*content.Flow, *meldwijzer.Institution, error) {
	if !slices.Contains(meldwijzer.Languages, lang) {
		return nil, nil, meldwijzer.Errorf(meldwijzer.ELANG, "lang must be nl or en, not %q", lang)
	}
	f := g.content.Flows[audience]
	if f == nil {
		return nil, nil, meldwijzer.Errorf(meldwijzer.EINVALID, "audience must be student or staff, not %q", audience)
	}
	var inst *meldwijzer.Institution
	if institution != "" {
		var err error
		if inst, err = g.institutions.Institution(institution); err != nil {
			return nil, nil, err
		}
	}
	return f, inst, nil
}

// render turns a position into the node the person sees, in their language. The node is shared:
// nobody may change it.
func (g *Guide) render(f *content.Flow, p content.Position, lang string, inst *meldwijzer.Institution) *Node {
	k := nodeKey{flow: f, position: p.ID(), lang: lang}
	if inst != nil {
		k.institution, k.institutionUpdate = inst.ID, inst.Updated.UnixNano()
	}
	if n, ok := g.nodes.Lookup(k); ok { // most nodes: no closure made
		return n
	}
	return g.nodes.Get(k, func(nodeKey) *Node {
		n := g.renderNode(f, p, lang, inst)
		encoded, _ := n.MarshalJSON()    // strings, bools and slices of them: cannot fail
		n.encoded = slices.Clip(encoded) // shared: whoever appends to it gets a copy
		return n
	})
}

// renderNode renders a node.
func (g *Guide) renderNode(f *content.Flow, p content.Position, lang string, inst *meldwijzer.Institution) *Node {
	n := f.Nodes[p.Node]
	out := &Node{
		ID:      p.ID(),
		Text:    n.Text.In(lang),
		Options: []Option{},
		Theme:   p.State["theme"],
		Where:   p.State["where"],
		Urgent:  p.Node == f.Urgent,
		Report:  n.Report,
	}
	textSet := false
	for _, v := range n.Variants {
		if !v.When.Match(f.Audience, p.State) {
			continue
		}
		if v.Text != nil && !textSet {
			out.Text, textSet = v.Text.In(lang), true
		}
		for _, s := range v.Steps {
			out.Steps = append(out.Steps, s.In(lang))
		}
	}
	steps := make([]string, 0, len(n.Steps)+len(out.Steps))
	for _, s := range n.Steps {
		steps = append(steps, s.In(lang))
	}
	out.Steps = append(steps, out.Steps...)
	for _, o := range f.Options(p) {
		out.Options = append(out.Options, Option{ID: o.ID, Label: o.Label.In(lang), Urgent: o.Next == f.Urgent})
	}
	for _, id := range g.content.RoutesFor(f, p) {
		out.Routes = append(out.Routes, g.route(id, lang, inst))
	}
	return out
}

// route renders one route id: an outside organisation, or the institution's contact for a role
// (with a generic text when no institution was chosen or it has no such contact).
func (g *Guide) route(id, lang string, inst *meldwijzer.Institution) Route {
	if roleID, ok := strings.CutPrefix(id, content.InstitutionRoute); ok {
		role := g.content.Role(roleID)
		r := Route{ID: id, Kind: "institution", Name: role.Name.In(lang), For: role.For.In(lang)}
		var c *meldwijzer.Contact
		if inst != nil {
			c = inst.Contact(roleID)
		}
		if c == nil {
			r.How = role.Generic.In(lang)
			return r
		}
		r.Name = c.Name.In(lang)
		if c.For != nil {
			r.How = c.For.In(lang)
		}
		r.Phone, r.Tel, r.Email, r.Website = c.Phone, c.Tel, c.Email, c.Website
		if c.Hours != nil {
			r.Hours = c.Hours.In(lang)
		}
		return r
	}
	c := g.content.Routes[id]
	r := Route{
		ID: id, Kind: "outside", Name: c.Name.In(lang), For: c.For.In(lang), Serves: c.Serves.In(lang),
		Phone: c.Phone, Tel: c.Tel, Website: c.Website, Chat: c.Chat,
		Source: c.Source, Verified: c.Verified.Format(time.DateOnly),
	}
	if c.Urgent {
		r.Kind = "emergency"
	}
	if c.Hours != nil {
		r.Hours = c.Hours.In(lang)
	}
	return r
}

// Contacts returns an institution's own help contacts, as route cards in the language.
func (g *Guide) Contacts(institution, lang string) ([]Route, error) {
	inst, err := g.institutions.Institution(institution)
	if err != nil {
		return nil, err
	}
	return g.ContactsOf(inst, lang), nil
}

// ContactsOf returns the record's own help contacts, as route cards in the language.
func (g *Guide) ContactsOf(inst *meldwijzer.Institution, lang string) []Route {
	out := make([]Route, 0, len(inst.Contacts))
	for _, c := range inst.Contacts {
		if g.content.Role(c.Role) != nil { // a role the content no longer has is not shown
			out = append(out, g.route(content.InstitutionRoute+c.Role, lang, inst))
		}
	}
	return out
}

// Load reads and checks the content and the free-text vocabulary in fsys and returns the guide
// over them. It runs once per process (a Lambda's cold start).
func Load(fsys fs.FS) (*Guide, *content.Bundle, error) {
	b, err := content.Load(fsys)
	if err != nil {
		return nil, nil, err
	}
	r, err := LoadReader(fsys, b)
	if err != nil {
		return nil, nil, err
	}
	return New(b, r), b, nil
}

// LoadReader reads the vocabulary in fsys, checks it against the bundle's taxonomy and returns
// the reader of typed messages over it and the embedded model.
func LoadReader(fsys fs.FS, b *content.Bundle) (*classify.Reader, error) {
	v, err := LoadVocabulary(fsys, b)
	if err != nil {
		return nil, err
	}
	return classify.NewReader(classify.New(v), classify.Embedded()), nil
}

// LoadVocabulary reads the vocabulary in fsys and checks it against the bundle's taxonomy.
func LoadVocabulary(fsys fs.FS, b *content.Bundle) (*classify.Vocabulary, error) {
	data, err := fs.ReadFile(fsys, VocabularyFile)
	if err != nil {
		return nil, err
	}
	v, err := classify.ParseVocabulary(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", VocabularyFile, err)
	}
	if problems := v.Check(b.IDs("theme"), b.IDs("where"), b.IDs("involved")); len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", VocabularyFile, strings.Join(problems, "; "))
	}
	return v, nil
}

// VocabularyFile is the free-text vocabulary in the content.
const VocabularyFile = "vocabulary.yaml"
