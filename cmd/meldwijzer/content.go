package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"meldwijzer/content"
	"meldwijzer/wegwijzer"
)

// contentCommand checks the content: the embedded copy, or a directory being edited (-dir).
func contentCommand(args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New("usage: meldwijzer content check [-dir DIR]")
	}
	fl := flag.NewFlagSet("content check", flag.ContinueOnError)
	dir := fl.String("dir", "", "content directory to check (default: the content built into this binary)")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	var fsys fs.FS = content.FS
	if *dir != "" {
		fsys = os.DirFS(*dir)
	}
	_, b, err := wegwijzer.Load(fsys)
	if err != nil {
		return err
	}
	nodes := 0
	for _, f := range b.Flows {
		nodes += len(f.Nodes)
	}
	fmt.Printf("content ok: %d flows, %d nodes, %d routes, %d institutions\n", len(b.Flows), nodes, len(b.Routes), len(b.Institutions))
	return nil
}
