package wegwijzer

import (
	"maps"
	"strings"

	"meldwijzer/classify"
	"meldwijzer/content"
)

// continueAt decides where a typed message leads from the position at, in this order:
//  1. urgent: the emergency node, whatever the position (acute danger always first);
//  2. a possible risk: the node that asks about it directly;
//  3. an answer to the current question ("op mijn stage" at "Waar gebeurde het?", "nee" at
//     "Ben je in gevaar?");
//  4. a new story: what it says is added to what is already known, and the conversation goes on;
//  5. nothing readable: the same position, so the current question is asked again.
//
// understood is false only in the last case.
func (g *Guide) continueAt(f *content.Flow, at content.Position, read classify.Reading) (content.Position, bool, error) {
	known := merge(f, at.State, read)
	switch {
	case read.Urgent != "":
		known["urgent"] = read.Urgent
		return content.Position{Node: f.Urgent, State: known}, true, nil
	case read.Ask != "" && f.Ask[read.Ask] != "" && at.Node != f.Ask[read.Ask] && at.Node != f.Urgent:
		return content.Position{Node: f.Ask[read.Ask], State: known}, true, nil
	}
	o, tie := g.answerTo(f, at, read)
	switch {
	case o != nil:
		// an answer sets what the question asks; the rest of what is known stays as it was
		p, err := f.Choose(at, o.ID)
		return p, true, err
	case tie:
		// a short reply with two answers ("ja nee") is no story either: the question again
		return at, false, nil
	}
	if known["theme"] != "" && known["theme"] != at.State["theme"] {
		p, err := f.Resolve(content.Position{Node: f.StoryNode(), State: known})
		return p, true, err
	}
	p, err := f.Resolve(content.Position{Node: at.Node, State: known})
	if err != nil {
		return p, false, err
	}
	return p, p.Node != at.Node, nil
}

// merge is the position's state with what the message read added: a new theme or place replaces
// the old one, everything else stays known.
func merge(f *content.Flow, s content.State, read classify.Reading) content.State {
	out := maps.Clone(s)
	if out == nil {
		out = content.State{}
	}
	if read.Theme != "" {
		out["theme"] = read.Theme
	}
	if read.Where != "" {
		out["where"] = read.Where
	}
	if read.Involved != "" && f.Asks("involved") {
		out["involved"] = read.Involved
	}
	return out
}

// answerTo finds the option of the current question that the text answers: by what the reader
// read for the place when the node asks where, or by the option's label or answer words
// ("ja", "nee hoor", "op school"). The longest match wins; a tie in a short reply (ja ... nee) is
// no answer, and tie says so.
func (g *Guide) answerTo(f *content.Flow, at content.Position, read classify.Reading) (o *content.Option, tie bool) {
	options := f.Options(at)
	n := f.Nodes[at.Node]
	// A theme is no short answer but a story: a story goes on at the route page (step 4).
	v := ""
	switch n.Asks {
	case "where":
		v = read.Where
	case "involved":
		v = read.Involved
	}
	if v != "" {
		for _, o := range options {
			if o.Set[n.Asks] == v {
				return o, false
			}
		}
	}
	said := read.Said
	words := strings.Count(said, " ") - 1
	var best *content.Option
	bestLen, tie := 0, false
	for _, o := range options {
		for _, w := range g.answers.Get(o, answerForms) {
			if l := strings.Count(w, " ") + 1; strings.Contains(said, " "+w+" ") && l >= bestLen {
				tie = l == bestLen && best != nil && best != o
				best, bestLen = o, l
			}
		}
	}
	// A word found in a long story is no answer to the question ("ja, en toen ..." is read as a
	// story); the whole label or a short reply is.
	if best == nil || words > bestLen+answerSlack {
		return nil, false
	}
	if tie {
		return nil, true
	}
	return best, false
}

// answerSlack is how many words a reply may have beside the answer it holds ("nee hoor, echt niet").
const answerSlack = 4

// answerForms are the normalised texts that mean an option: its labels and its answer words.
func answerForms(o *content.Option) []string {
	forms := []string{classify.NormalizedText(o.Label.NL), classify.NormalizedText(o.Label.EN)}
	for _, w := range o.Words {
		forms = append(forms, classify.NormalizedText(w))
	}
	return forms
}

// question is what a node asks, without a greeting.
func question(n *content.Node, lang string) string {
	if n.Question != nil {
		return n.Question.In(lang)
	}
	return n.Text.In(lang)
}
