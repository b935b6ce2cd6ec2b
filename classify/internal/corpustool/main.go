// Command corpustool imports a writer's JSON Lines file into the training corpus (or a blind or
// calibration set): it validates every line and drops any message that is already in the corpus,
// a blind set or the calibration set, so that no message is ever both trained on and measured on.
//
//	go run ./classify/internal/corpustool -in writer.jsonl -out classify/corpus/train/writer.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"

	"meldwijzer/classify"
)

func main() {
	in := flag.String("in", "", "the writer's file")
	out := flag.String("out", "", "the corpus file to write")
	pkg := flag.String("dir", "classify", "the classify package directory")
	flag.Parse()
	fsys := os.DirFS(*pkg)
	seen := map[string]bool{}
	for _, dir := range append(slices.Clone(classify.BlindDirs), classify.CalibrationDir) {
		if files, _ := fs.Glob(fsys, dir+"/*.jsonl"); len(files) == 0 {
			continue // a set not written yet (this import may be its first file)
		}
		blind, err := classify.LoadCorpus(fsys, dir)
		if err != nil {
			log.Fatal(err)
		}
		for _, u := range blind {
			if filepath.Join(*pkg, dir, u.Source) != filepath.Clean(*out) { // not the file being written again
				seen[classify.NormalizedText(u.Text)] = true
			}
		}
	}
	if train, err := classify.LoadCorpus(fsys, classify.TrainDir); err == nil {
		for _, u := range train {
			if filepath.Join(*pkg, classify.TrainDir, u.Source) != filepath.Clean(*out) { // not the file being written again
				seen[classify.NormalizedText(u.Text)] = true
			}
		}
	}
	src, err := classify.LoadCorpus(os.DirFS(filepath.Dir(*in)), ".")
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	kept, dropped := 0, 0
	raw, err := readLines(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(raw) != len(src) {
		log.Fatalf("%s: %d lines but %d utterances", *in, len(raw), len(src))
	}
	for i, u := range src {
		key := classify.NormalizedText(u.Text)
		if seen[key] {
			dropped++
			continue
		}
		seen[key] = true
		w.WriteString(raw[i] + "\n")
		kept++
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: kept %d, dropped %d already in the corpus or a blind set\n", *out, kept, dropped)
}

func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			lines = append(lines, sc.Text())
		}
	}
	return lines, sc.Err()
}
