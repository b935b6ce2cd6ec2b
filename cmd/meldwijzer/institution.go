package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/goccy/go-yaml"

	"meldwijzer"
	"meldwijzer/config"
	"meldwijzer/content"
	"meldwijzer/internal/control"
	"meldwijzer/store/bolt"
	"meldwijzer/store/dynamo"
)

const institutionUsage = `usage:
  meldwijzer institution add -id ID -name NAME [-domain D]... [-email meldpunt@school.nl] [-region R] [-sector]
                             [-contacts FILE.yaml] [-replace] [-data DIR | -store dynamodb]
  meldwijzer institution list [-data DIR | -store dynamodb]
  meldwijzer institution show -id ID [-data DIR | -store dynamodb]
  meldwijzer institution remove -id ID [-data DIR | -store dynamodb]
`

// institutionCommand manages the institutions in the store: what an operator does to add a
// school. A running local server holding the store gets the change over its control socket
// (internal/control) and shows it at once; on DynamoDB every server shows it within a minute.
func institutionCommand(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(institutionUsage)
	}
	sub, args := args[0], args[1:]
	fl := flag.NewFlagSet("institution "+sub, flag.ContinueOnError)
	data := fl.String("data", "data", "the local server's data directory (the embedded store)")
	storeKind := fl.String("store", "bolt", "bolt (in -data) or dynamodb (table $"+config.EnvTable+"; endpoint and region from the usual AWS environment)")
	id := fl.String("id", "", "the institution's id: lowercase letters, digits and hyphens (roc-midden)")
	var (
		name, email, region, contactsFile *string
		sector, replace                   *bool
		domains                           listFlag
	)
	if sub == "add" {
		name = fl.String("name", "", "the institution's name as students see it")
		fl.Var(&domains, "domain", "a sign-in domain of its staff (SURFconext schac_home_organization); repeat for more")
		email = fl.String("email", "", "the meldpunt's address for notifications without content")
		region = fl.String("region", "", "its region (for the sector view)")
		sector = fl.Bool("sector", false, "it takes part in the sector view")
		contactsFile = fl.String("contacts", "", "a YAML file with its help contacts (contacts: [...], as content/institutions/*.yaml)")
		replace = fl.Bool("replace", false, "replace an institution that exists (its contacts too, unless -contacts is left out: then they are kept)")
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	store, closeStore, err := openInstitutionStore(ctx, *storeKind, *data)
	if err != nil {
		return err
	}
	defer closeStore()

	switch sub {
	case "add":
		b, err := content.LoadEmbedded()
		if err != nil {
			return err
		}
		inst := &meldwijzer.Institution{ID: *id, Name: *name, Domains: []string(domains), MeldpuntEmail: *email,
			Region: *region, Sector: *sector, Contacts: []meldwijzer.Contact{}, Updated: time.Now().UTC().Truncate(time.Millisecond)}
		old, err := store.Institution(ctx, *id)
		switch {
		case err == nil && !*replace:
			return fmt.Errorf("institution %q exists; add -replace to replace it", *id)
		case err == nil:
			inst.Contacts, inst.Groups = old.Contacts, old.Groups
		case meldwijzer.ErrorCode(err) != meldwijzer.ENOTFOUND:
			return err
		}
		if *contactsFile != "" {
			if inst.Contacts, err = readContacts(*contactsFile); err != nil {
				return err
			}
		}
		if err := b.CheckInstitution(inst); err != nil {
			return fmt.Errorf("institution %q: %s", *id, meldwijzer.ErrorMessage(err))
		}
		if err := store.PutInstitution(ctx, inst); err != nil {
			return fmt.Errorf("institution %q: %s", *id, meldwijzer.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "institution %s saved with %d contact(s); a running server shows it within a minute\n", inst.ID, len(inst.Contacts))
		if len(inst.Contacts) == 0 {
			fmt.Fprintln(stdout, "it has no contacts yet: the guide shows the general texts until its admin adds them (or use -contacts)")
		}
		return nil
	case "list":
		list, err := store.Institutions(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tDOMAINS\tCONTACTS\tDEMO")
		for _, inst := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%v\n", inst.ID, inst.Name, strings.Join(inst.Domains, ","), len(inst.Contacts), inst.Demo)
		}
		return tw.Flush()
	case "show":
		inst, err := store.Institution(ctx, *id)
		if err != nil {
			return errors.New(meldwijzer.ErrorMessage(err))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inst)
	case "remove":
		if err := store.DeleteInstitution(ctx, *id); err != nil {
			return errors.New(meldwijzer.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "institution %s removed: it takes no reports; its reports, counts and audit log stay in the store\n", *id)
		return nil
	default:
		return errors.New(institutionUsage)
	}
}

// openInstitutionStore opens the store; when a running server holds the embedded store, its
// control socket instead.
func openInstitutionStore(ctx context.Context, kind, data string) (meldwijzer.InstitutionStore, func(), error) {
	switch kind {
	case "bolt":
		s, err := bolt.Open(filepath.Join(data, "meldwijzer.db"))
		if errors.Is(err, bolt.ErrLocked) {
			c, derr := control.Dial(data)
			if derr != nil {
				return nil, nil, fmt.Errorf("%w, and %w: stop the server and try again", err, derr)
			}
			fmt.Fprintf(os.Stderr, "meldwijzer: the server running on %s holds the store: asking it\n", data)
			return c, func() {}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	case "dynamodb":
		c, err := config.FromEnv(os.Getenv, config.EnvTable)
		if err != nil {
			return nil, nil, fmt.Errorf("-store dynamodb: %w", err)
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		return dynamo.New(dynamo.NewClient(cfg), c.Table), func() {}, nil
	default:
		return nil, nil, fmt.Errorf("unknown store %q (bolt or dynamodb)", kind)
	}
}

// readContacts reads a contacts file: `contacts: [...]` as in content/institutions/*.yaml (its
// id, name and demo, if there, are not used: the flags say them).
func readContacts(path string) ([]meldwijzer.Contact, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		ID       string               `yaml:"id"`
		Name     string               `yaml:"name"`
		Demo     bool                 `yaml:"demo"`
		Contacts []meldwijzer.Contact `yaml:"contacts"`
	}
	if err := yaml.UnmarshalWithOptions(raw, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, true))
	}
	if f.Contacts == nil {
		f.Contacts = []meldwijzer.Contact{}
	}
	return f.Contacts, nil
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, strings.ToLower(strings.TrimSpace(v)))
	return nil
}
