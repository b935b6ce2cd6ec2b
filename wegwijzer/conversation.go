package wegwijzer

import (
	"maps"
	"slices"
	"strings"

	"meldwijzer/classify"
	"meldwijzer/content"
)

// continueAt decides where a typed message leads from the position at, in this order:
//  0. a reply made of nothing but the current question's answer words ("ja", "nee hoor"): that
//     answer, as its button would be, unless the reviewed vocabulary reads an urgent cue in it;
//     the model's reading of a word or two says more about its corpus than about the person
//     ("ja" is in many stories about consent), and two answers at once ("ja nee") ask again;
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
	o, tie, bare := g.answerTo(f, at, read)
	switch {
	case bare && read.Why.Vocabulary.Urgent == "":
		// step 0: the answer below, whatever the model read
	case read.Urgent != "":
		known["urgent"] = read.Urgent
		return content.Position{Node: f.Urgent, State: known}, true, nil
	case read.Ask != "" && f.Ask[read.Ask] != "" && at.Node != f.Ask[read.Ask] && at.Node != f.Urgent:
		return content.Position{Node: f.Ask[read.Ask], State: known}, true, nil
	}
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
// no answer, and tie says so. bare says that the reply has no word beside answer words.
func (g *Guide) answerTo(f *content.Flow, at content.Position, read classify.Reading) (o *content.Option, tie, bare bool) {
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
				return o, false, false
			}
		}
	}
	said := read.Said
	words := strings.Count(said, " ") - 1
	// A reply longer than every answer form by more than the slack answers nothing (below): most
	// typed messages are stories, and they need not be searched for answer words.
	longest := 0
	for _, o := range options {
		longest = max(longest, g.answers.Get(o, formsOf).longest)
	}
	if words > longest+answerSlack {
		return nil, false, false
	}
	var best *content.Option
	bestLen := 0
	var found []string // the answer words in the reply, each with a space before and after
	for _, o := range options {
		for _, w := range g.answers.Get(o, formsOf).padded {
			if !strings.Contains(said, w) {
				continue
			}
			found = append(found, w)
			if l := strings.Count(w, " ") - 1; l >= bestLen {
				tie = l == bestLen && best != nil && best != o
				best, bestLen = o, l
			}
		}
	}
	// the reply without its answer words, the longest first ("nee hoor" before "nee")
	slices.SortFunc(found, func(a, b string) int { return len(b) - len(a) })
	rest := said
	for _, w := range found {
		for strings.Contains(rest, w) {
			rest = strings.Replace(rest, w, " ", 1)
		}
	}
	bare = best != nil && strings.TrimSpace(rest) == ""
	// A word found in a long story is no answer to the question ("ja, en toen ..." is read as a
	// story); the whole label or a short reply is.
	if best == nil || words > bestLen+answerSlack {
		return nil, false, false
	}
	if tie {
		return nil, true, bare
	}
	return best, false, bare
}

// answerSlack is how many words a reply may have beside the answer it holds ("nee hoor, echt niet").
const answerSlack = 4

// answerForms are the normalised texts that mean an option (its labels and its answer words),
// each with a space before and after, as Reading.Said has its words; longest is the most words
// one of them has.
type answerForms struct {
	padded  []string
	longest int
}

func formsOf(o *content.Option) answerForms {
	texts := append([]string{o.Label.NL, o.Label.EN}, o.Words...)
	var out answerForms
	for _, t := range texts {
		w := classify.NormalizedText(t)
		out.padded = append(out.padded, " "+w+" ")
		out.longest = max(out.longest, strings.Count(w, " ")+1)
	}
	return out
}

// question is what a node asks, without a greeting.
func question(n *content.Node, lang string) string {
	if n.Question != nil {
		return n.Question.In(lang)
	}
	return n.Text.In(lang)
}
