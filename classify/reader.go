package classify

// Reader reads a typed message with both parts: the reviewed vocabulary (content/vocabulary.yaml:
// idioms, slang, and urgent concepts that must never depend on statistics) and the learned model
// (model.go), which generalises to wordings nobody listed. Urgent is recall-first: either part can
// raise it, and when risk is possible but not clear the reading asks directly.
type Reader struct {
	vocab *Classifier
	model *Model
	lex   *lexicon
}

// NewReader combines a compiled vocabulary and a model.
func NewReader(v *Classifier, m *Model) *Reader {
	return &Reader{vocab: v, model: m, lex: newLexicon(v, m)}
}

// vocabBoost is what the vocabulary's theme or where adds to the model's probability of that
// class: a reviewed cue tips a close call, and the model still overrules a weak one.
const vocabBoost = 0.3

// Reading is what a message was read as. Empty fields mean "not sure".
type Reading struct {
	Theme string
	Where string
	// Involved is who is involved (staff), from the reviewed vocabulary only.
	Involved string
	// Urgent is the urgent kind when the message is urgent: the emergency answer comes first.
	Urgent string
	// Ask is the urgent kind to ask about directly ("Denk je erover om een eind aan je leven te
	// maken?") when risk is possible but not clear; never set together with Urgent.
	Ask string
	// Hint is the urgent kind whose help line the answer carries (113, 112) when the model reads
	// some risk, below the direct question's threshold: the conversation goes on as it was, and a
	// cry the model reads as unlikely still finds the number. Never set with Urgent or Ask.
	Hint string
	// School is true when the message is about school itself going badly and nothing beyond it
	// (the vocabulary's schoolTalk, and none of the concepts of lifeConcepts): a direct question
	// about suicide after it says why it asks.
	School bool
	// Said is the message as the reader saw it: its normalised words, each with a space before
	// and after (" ja hoor "), so that an answer word is found with strings.Contains.
	Said string
	// Why holds what each part read, for `meldwijzer classify`.
	Why Why
}

// Why is the evidence behind a reading.
type Why struct {
	Vocabulary Result
	Model      Prediction
	// UrgentP is the model's probability of any urgent kind, and UrgentKind its likeliest kind.
	UrgentP    float32
	UrgentKind string
	Thresholds Thresholds
	// concepts are the concept lexicon's concepts found in the message (concepts.go).
	concepts uint64
}

// Concepts names the concept lexicon's concepts found in the message.
func (w Why) Concepts() []string { return concepts().namesOf(w.concepts) }

// Flagged reports whether the reading leads to the emergency answer or the direct question.
func (r Reading) Flagged() bool { return r.Urgent != "" || r.Ask != "" }

// Read reads one message. It does not keep or log the text.
func (r *Reader) Read(text string) Reading {
	toks := tokenize(text)
	words, p, cs := r.lex.read(toks)
	v := r.vocab.classifyWords(words)
	urgent := p.Head("urgent")
	pAny := 1 - urgent.Of("")
	kind, best := "", float32(-1)
	for i, c := range urgent.Classes {
		if c != "" && urgent.Probs[i] > best {
			kind, best = c, urgent.Probs[i]
		}
	}
	out := Reading{Said: said(toks), Why: Why{Vocabulary: v, Model: p, UrgentP: pAny, UrgentKind: kind, Thresholds: r.model.Thresholds, concepts: cs}}
	if p.feats == 0 {
		return out
	}
	out.School = v.School && cs&concepts().life == 0
	out.Urgent, out.Ask = r.model.Thresholds.urgency(v, pAny, kind, cs&concepts().playful != 0, out.School)
	if out.Urgent == "" && out.Ask == "" {
		switch {
		case pAny >= r.model.Thresholds.UrgentHint:
			out.Hint = kind
		case v.Urgent != "":
			out.Hint = v.Urgent // a word that names the subject, in a message read as calm
		case v.Subject != "":
			out.Hint = v.Subject // an urgent word said as the subject of a lesson, a series, ...
		}
	}
	out.Involved = v.Involved
	out.Theme = combine(p.Head("theme"), v.Theme)
	out.Where = combine(p.Head("where"), v.Where)
	if out.Theme == "" && v.Urgent != "" {
		out.Theme = v.Theme // the urgent kind's own theme (assault: seksueel)
	}
	if out.Where == "" && out.Theme != "" && out.Theme == v.Theme {
		out.Where = v.Where // the vocabulary's default place of a theme (thuis: elders)
	}
	return out
}

// said joins the tokens' texts with a space before each and one at the end.
func said(toks []token) string {
	n := 1
	for _, t := range toks {
		n += len(t.text) + 1
	}
	b := make([]byte, 0, n)
	for _, t := range toks {
		b = append(append(b, ' '), t.text...)
	}
	return string(append(b, ' '))
}

// combine picks a head's class with the vocabulary's vote added; "" (none) can win.
func combine(h HeadPrediction, vocab string) string {
	best, bestP := "", float32(-1)
	for i, c := range h.Classes {
		pr := h.Probs[i]
		if c != "" && c == vocab {
			pr += vocabBoost
		}
		if pr > bestP {
			best, bestP = c, pr
		}
	}
	return best
}

// urgency decides between the emergency answer (urgent), the direct question (ask) and neither,
// from the vocabulary's reading v (its urgent cue and whether that only names the subject, an
// idiom, a negation, an urgent word said as a subject), the model's probability of any urgent
// kind and its likeliest kind, whether the message jokes or plays (a concept of concepts.tsv),
// and whether it is about school itself going badly and names nothing of life, body or danger
// (the vocabulary's schoolTalk, and none of the concepts of lifeConcepts).
func (th Thresholds) urgency(v Result, pAny float32, kind string, playful, school bool) (urgent, ask string) {
	switch {
	case v.Urgent != "" && v.Named && pAny < th.UrgentCalm:
		// a word that only names the subject ("a lesson about suicide", "my uncle died by
		// suicide years ago") in a message the model reads as calm beyond doubt: the answer
		// carries the help line (Read), and the conversation goes on
		return "", ""
	case v.Urgent != "" && playful && pAny < th.UrgentAsk:
		// an urgent cue in a message that jokes or plays ("ik wil dood lol", "ik schiet je neer in
		// fortnite") and that the model reads as calm: the direct question, with 113 and 112 on
		// screen, instead of the emergency answer. A joke can hide a real cry, so it is never
		// let go; asking is what crisis lines advise.
		return "", v.Urgent
	case school && v.Urgent == "suicide" && pAny < th.UrgentSure:
		// a suicide cue said of school ("ik zie het niet meer zitten met deze opleiding") that
		// the model does not read as sure: the direct question, as for the model alone below
		return "", "suicide"
	case v.Urgent != "":
		return v.Urgent, ""
	case v.Idiom || v.Negated:
		// an idiom ("ik schrok me dood") or a negated cue ("ik denk niet aan zelfmoord") and no
		// urgent cue: never the emergency answer, but a possible risk in the rest of the message
		// is still asked about ("..., maar mijn vader heeft me opgesloten")
		if pAny >= th.UrgentAsk {
			return "", kind
		}
	case school && kind == "suicide" && pAny >= th.UrgentAsk:
		// hopelessness about school itself ("ik zie het nut van deze opleiding niet meer", "klaar
		// met school"), no urgent cue of the vocabulary: the direct question, with 113 on screen,
		// and not the emergency answer, however sure the model is. Students say these words of a
		// course far more often than of their life; asked, they say which it is.
		return "", "suicide"
	case pAny >= th.UrgentSure:
		return kind, ""
	case pAny >= th.UrgentAsk:
		return "", kind
	case v.Subject != "" && pAny >= th.UrgentCalm:
		// an urgent word said only as a subject ("na de gastles over zelfmoord ...") in a
		// message the model does not read as calm beyond doubt: the direct question. A crisis
		// often begins with what set it off (a lesson, the news), and the rest of it may be in
		// words the model reads as only a little likely.
		return "", v.Subject
	}
	return "", ""
}
