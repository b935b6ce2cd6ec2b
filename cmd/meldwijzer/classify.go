package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"meldwijzer/classify"
	"meldwijzer/content"
	"meldwijzer/wegwijzer"
)

// classifyCommand prints what the guide reads in a typed message and why, so that a content
// editor can see which words counted: the vocabulary's reading, the model's probabilities and the
// words that pushed each answer most.
func classifyCommand(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("classify", flag.ContinueOnError)
	dir := fl.String("dir", "", "content directory (default: the content built into this binary)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	text := strings.Join(fl.Args(), " ")
	if strings.TrimSpace(text) == "" {
		return errors.New(`usage: meldwijzer classify [-dir DIR] "text"`)
	}
	var fsys fs.FS = content.FS
	if *dir != "" {
		fsys = os.DirFS(*dir)
	}
	b, err := content.Load(fsys)
	if err != nil {
		return err
	}
	r, err := wegwijzer.LoadReader(fsys, b)
	if err != nil {
		return err
	}
	read := r.Read(text)
	show := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	fmt.Fprintf(out, "read:   theme %s, where %s, involved %s, urgent %s, ask %s, help line %s\n", show(read.Theme), show(read.Where), show(read.Involved), show(read.Urgent), show(read.Ask), show(read.Hint))
	v := read.Why.Vocabulary
	urgent := show(v.Urgent)
	if v.Named {
		urgent += " (a word that names it only)"
	}
	fmt.Fprintf(out, "vocabulary (content/vocabulary.yaml): theme %s, where %s, urgent %s, named as a subject %s, idiom %v, school talk alone %v\n", show(v.Theme), show(v.Where), urgent, show(v.Subject), v.Idiom, read.School)
	fmt.Fprintf(out, "concepts (classify/concepts.tsv): %s\n", show(strings.Join(read.Why.Concepts(), ", ")))
	th := read.Why.Thresholds
	fmt.Fprintf(out, "model: urgent %.3f (likeliest %s; calm beyond doubt below %.3f, help line at ≥ %.3f, asks at ≥ %.3f, urgent at ≥ %.3f)\n", read.Why.UrgentP, read.Why.UrgentKind, th.UrgentCalm, th.UrgentHint, th.UrgentAsk, th.UrgentSure)
	m := classify.Embedded()
	for _, h := range read.Why.Model.Heads {
		best, p := h.Best()
		var words []string
		if best != "" {
			for _, c := range m.TopFeatures(text, h.Name, best, 4) {
				words = append(words, fmt.Sprintf("%s %+.2f", c.Word, c.Score))
			}
		}
		fmt.Fprintf(out, "  %-7s %-14s %.2f  %s\n", h.Name, show(best), p, strings.Join(words, ", "))
	}
	return nil
}
